package dev.warmup.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.scheduler.WarmSetPlanner.Candidate;
import dev.warmup.server.scheduler.WarmSetPlanner.PlanRequest;
import dev.warmup.server.scheduler.WarmSetPlanner.Residency;
import dev.warmup.server.scheduler.WarmSetPlanner.WarmPlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpectedValuePlannerTest {
    private final ExpectedValuePlanner planner = new ExpectedValuePlanner();

    @Test
    void aLikelyCheapModelIsLoadedAnUnlikelyOneUnloaded() {
        WarmPlan plan = planner.plan(new PlanRequest(0, List.of(
                new Candidate("coder", 1500, 3, 0.9, 10, Residency.UNLOADED, false, 1),
                new Candidate("chat", 5500, 10, 0.01, 3000, Residency.WARM, false, 1)), 12_000, 5, 0.7));
        assertEquals(List.of("coder"), plan.loads().stream().map(WarmSetPlanner.PlannedLoad::modelId).toList());
        assertEquals(List.of("chat"), plan.unloads());
    }

    @Test
    void aPoolBoundsItsModelsAndNoOthers() {
        // chat and analysis on a model server whose cgroup leaves them 6 GB; coder on the machine's 12 GB
        List<Candidate> cs = List.of(
                new Candidate("chat", 5500, 10, 0.9, 10, Residency.UNLOADED, false, 1),
                new Candidate("analysis", 5000, 8, 0.9, 10, Residency.UNLOADED, false, 1),
                new Candidate("coder", 1500, 3, 0.9, 10, Residency.UNLOADED, false, 1));
        List<WarmSetPlanner.Pool> pool = List.of(new WarmSetPlanner.Pool(Set.of("chat", "analysis"), 6_000));
        assertEquals(Set.of("analysis", "coder"), loaded(planner.plan(new PlanRequest(0, cs, 12_000, 5, 0.7, pool))),
                "one of the pool's two fits; coder, outside it, too");
        assertEquals(Set.of("chat", "analysis", "coder"), loaded(planner.plan(new PlanRequest(0, cs, 12_000, 5,
                0.7))), "without the pool all three fit the 12 GB");
    }

    private static Set<String> loaded(WarmPlan plan) {
        Set<String> out = new HashSet<>();
        plan.loads().forEach(l -> out.add(l.modelId()));
        return out;
    }

    /**
     * Many random situations: the plan always fits the budget, a pool's and the model limit, and keeps models in use.
     */
    @Test
    void plansNeverBreakTheBudgetNorUnloadAModelInUse() {
        Random r = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            int n = 1 + r.nextInt(20);
            long budget = 1000 + r.nextInt(30_000);
            int maxWarm = 1 + r.nextInt(6);
            List<Candidate> cs = new ArrayList<>();
            long usedByInUse = 0;
            int inUseCount = 0;
            Set<String> pooled = new HashSet<>(); // a model server's cgroup limit over some of the models, or none
            long poolBudget = r.nextBoolean() ? Long.MAX_VALUE : r.nextInt(20_000);
            long pooledInUse = 0;
            for (int i = 0; i < n; i++) {
                Residency res = Residency.values()[r.nextInt(3)];
                long mem = 100 + r.nextInt(12_000);
                boolean inPool = poolBudget < Long.MAX_VALUE && r.nextBoolean();
                if (inPool) {
                    pooled.add("m" + i);
                }
                boolean inUse = res != Residency.UNLOADED && r.nextInt(10) == 0 && usedByInUse + mem <= budget
                        && inUseCount < maxWarm && (!inPool || pooledInUse + mem <= poolBudget);
                if (inUse) {
                    usedByInUse += mem;
                    inUseCount++;
                    pooledInUse += inPool ? mem : 0;
                }
                cs.add(new Candidate("m" + i, mem, r.nextDouble() * 30, r.nextDouble(), r.nextDouble() * 600, res,
                        inUse, 1 + r.nextDouble() * 3));
            }
            double threshold = 0.05 + r.nextDouble() * 3;
            List<WarmSetPlanner.Pool> pools = poolBudget == Long.MAX_VALUE ? List.of()
                    : List.of(new WarmSetPlanner.Pool(pooled, poolBudget));
            WarmPlan plan = planner.plan(new PlanRequest(0, cs, budget, maxWarm, threshold, pools));
            Set<String> after = new HashSet<>();
            for (Candidate c : cs) {
                if (c.residency() != Residency.UNLOADED && !plan.unloads().contains(c.modelId())) {
                    after.add(c.modelId());
                }
                if (c.inUse()) {
                    assertFalse(plan.unloads().contains(c.modelId()), "unloaded a model in use");
                }
            }
            plan.loads().forEach(l -> after.add(l.modelId()));
            long used = cs.stream().filter(c -> after.contains(c.modelId())).mapToLong(Candidate::memoryMb).sum();
            assertTrue(used <= budget, "round " + round + ": " + used + " MB > " + budget);
            assertTrue(after.size() <= maxWarm, "round " + round + ": " + after.size() + " models > " + maxWarm);
            long inPool = cs.stream().filter(c -> after.contains(c.modelId()) && pooled.contains(c.modelId()))
                    .mapToLong(Candidate::memoryMb).sum();
            assertTrue(inPool <= poolBudget, "round " + round + ": " + inPool + " MB in the pool > " + poolBudget);
        }
    }
}
