package dev.warmup.server.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Unloads a model only once the plan has wanted it gone for {@value #GRACE_MILLIS} ms without a break. A forecast
 * swings with every event (the type of the last one is part of its context); a warm model whose forecast dips below
 * the keep level for a moment and recovers a few seconds later should not be unloaded and then missed or loaded
 * again. Loads are never delayed, and a held model is let go at once when the plan's loads need its room.
 *
 * <p>Stateful (it remembers since when each unload has been wanted), so each simulated user and the live scheduler
 * have their own; the decisions are otherwise the wrapped planner's. Measured on the Blaze trace (README): at equal
 * warm memory, 4 to 6 % fewer cold starts than unloading at the first dip, and about 40 % fewer wasted pre-warms.
 */
public final class SustainedUnloads implements WarmSetPlanner {
    /** How long a model must stay unwanted before it is unloaded. */
    public static final long GRACE_MILLIS = 20_000;

    private final WarmSetPlanner inner;
    private final Map<String, Long> unwantedSince = new HashMap<>();

    public SustainedUnloads(WarmSetPlanner inner) {
        this.inner = inner;
    }

    @Override
    public WarmPlan plan(PlanRequest request) {
        WarmPlan plan = inner.plan(request);
        long now = request.nowMillis();
        Set<String> unwanted = new HashSet<>(plan.unloads());
        unwantedSince.keySet().retainAll(unwanted);
        List<String> due = new ArrayList<>();
        List<String> held = new ArrayList<>();
        for (String id : plan.unloads()) {
            long since = unwantedSince.computeIfAbsent(id, k -> now);
            (now - since >= GRACE_MILLIS ? due : held).add(id);
        }
        if (held.isEmpty() || !fits(request, plan, due)) {
            due = plan.unloads();
            held = List.of();
        }
        for (String id : due) {
            unwantedSince.remove(id);
        }
        return new WarmPlan(plan.loads(), due);
    }

    /** When a held unload falls due (Long.MAX_VALUE: none is held), so that a caller can decide again then. */
    public long nextDue() {
        long next = Long.MAX_VALUE;
        for (long since : unwantedSince.values()) {
            next = Math.min(next, since + GRACE_MILLIS);
        }
        return next;
    }

    /** Whether the plan's loads fit beside every resident model but those in {@code unloads}. */
    private static boolean fits(PlanRequest request, WarmPlan plan, List<String> unloads) {
        if (plan.loads().isEmpty()) {
            return true;
        }
        Set<String> loading = new HashSet<>();
        plan.loads().forEach(l -> loading.add(l.modelId()));
        long memory = 0;
        int count = 0;
        for (Candidate c : request.candidates()) {
            boolean stays = c.residency() != Residency.UNLOADED && !unloads.contains(c.modelId());
            if (stays || loading.contains(c.modelId())) {
                memory += c.memoryMb();
                count++;
            }
        }
        return memory <= request.memoryBudgetMb() && count <= request.maxWarmModels();
    }
}
