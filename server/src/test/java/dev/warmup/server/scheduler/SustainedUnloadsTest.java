package dev.warmup.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.scheduler.WarmSetPlanner.Candidate;
import dev.warmup.server.scheduler.WarmSetPlanner.PlanRequest;
import dev.warmup.server.scheduler.WarmSetPlanner.Residency;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SustainedUnloadsTest {
    private static final long GRACE = SustainedUnloads.GRACE_MILLIS;
    private final SustainedUnloads planner = new SustainedUnloads(new ExpectedValuePlanner());

    private static Candidate chat(double p, Residency r) {
        return new Candidate("chat", 5500, 10, p, 60, r, false, 1);
    }

    private static Candidate coder(double p, Residency r) {
        return new Candidate("coder", 1500, 3, p, 10, r, false, 1);
    }

    private List<String> unloads(long now, long budgetMb, Candidate... cs) {
        return planner.plan(new PlanRequest(now, List.of(cs), budgetMb, 5, 0.7)).unloads();
    }

    @Test
    void aWarmModelIsUnloadedOnlyAfterTheGraceWithoutABreak() {
        assertEquals(List.of(), unloads(0, 12_000, chat(0.001, Residency.WARM)));
        assertEquals(GRACE, planner.nextDue());
        assertEquals(List.of(), unloads(GRACE - 1, 12_000, chat(0.001, Residency.WARM)));
        assertEquals(List.of("chat"), unloads(GRACE, 12_000, chat(0.001, Residency.WARM)));
        assertEquals(Long.MAX_VALUE, planner.nextDue());
    }

    @Test
    void aForecastThatRecoversRestartsTheGrace() {
        unloads(0, 12_000, chat(0.001, Residency.WARM));
        assertEquals(List.of(), unloads(GRACE / 2, 12_000, chat(0.9, Residency.WARM))); // wanted again
        assertEquals(Long.MAX_VALUE, planner.nextDue());
        assertEquals(List.of(), unloads(GRACE, 12_000, chat(0.001, Residency.WARM))); // a new dip
        assertEquals(2 * GRACE, planner.nextDue());
        assertEquals(List.of("chat"), unloads(2 * GRACE, 12_000, chat(0.001, Residency.WARM)));
    }

    @Test
    void aHeldModelMakesRoomAtOnceForALoadThatNeedsIt() {
        // 6 GB budget: the 1.5 GB coder fits beside the 5.5 GB chat only once chat is gone
        WarmSetPlanner.WarmPlan plan = planner.plan(new PlanRequest(0, List.of(chat(0.001, Residency.WARM),
                coder(0.99, Residency.UNLOADED)), 6_000, 5, 0.7));
        assertEquals(List.of("chat"), plan.unloads());
        assertEquals("coder", plan.loads().get(0).modelId());
        // with room for both, chat is held and coder loads beside it
        assertEquals(List.of(), unloads(GRACE / 2, 12_000, chat(0.001, Residency.WARM),
                coder(0.99, Residency.UNLOADED)));
    }

    @Test
    void aBudgetLoweredBelowWhatIsWarmIsMetAtOnceNotAfterTheGrace() {
        // both warm and wanted in 12 GB; the budget set to 6 GB (a setting, or the machine's free memory): chat
        // (the lesser by value per GB) no longer fits, and goes now, with no load waiting for its room
        assertEquals(List.of(), unloads(0, 12_000, chat(0.9, Residency.WARM), coder(0.99, Residency.WARM)));
        assertEquals(List.of("chat"), unloads(1, 6_000, chat(0.9, Residency.WARM), coder(0.99, Residency.WARM)));
        assertEquals(Long.MAX_VALUE, planner.nextDue());
        // and the model limit likewise
        assertEquals(List.of("chat"), planner.plan(new PlanRequest(2, List.of(chat(0.9, Residency.WARM),
                coder(0.99, Residency.WARM)), 12_000, 1, 0.7)).unloads());
        // and a pool's: chat's model server's cgroup limit leaves it 4 GB, though the machine has 12
        assertEquals(List.of("chat"), planner.plan(new PlanRequest(3, List.of(chat(0.9, Residency.WARM),
                coder(0.99, Residency.WARM)), 12_000, 5, 0.7,
                List.of(new WarmSetPlanner.Pool(Set.of("chat"), 4_000)))).unloads());
    }
}
