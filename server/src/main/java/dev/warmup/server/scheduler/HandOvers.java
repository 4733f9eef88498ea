package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.config.WarmupSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The models another server holds that our plan would keep if each were ours (pinned by nothing but its use here,
 * the others as they are), within the budget and the model limit: asked for, so that their holder hands them over
 * rather than unloading them. One the plan would want but not fit is not asked for: handed over, it would be
 * unloaded at once.
 */
final class HandOvers {
    private final Ownership ownership;
    private final ModelStates states;
    private final SustainedUnloads planner;

    HandOvers(Ownership ownership, ModelStates states, SustainedUnloads planner) {
        this.ownership = ownership;
        this.states = states;
        this.planner = planner;
    }

    /** The models of {@code candidates} to ask their holders for, planned at {@code now} under {@code s}. */
    List<ModelSpec> wanted(List<WarmSetPlanner.Candidate> candidates, long now, long budgetMb,
                           List<WarmSetPlanner.Pool> pools, WarmupSettings s) {
        List<ModelSpec> wanted = new ArrayList<>();
        for (WarmSetPlanner.Candidate c : candidates) {
            if (!ownership.heldByAnotherServer(c.modelId())) {
                continue;
            }
            WarmSetPlanner.Candidate ours = c.withInUse(states.get(c.modelId()).inUse(now));
            if (!planner.wants(ours, s.predictionThreshold())) {
                continue;
            }
            List<WarmSetPlanner.Candidate> asOurs = candidates.stream().map(o -> o == c ? ours : o).toList();
            if (!planner.wouldUnload(new WarmSetPlanner.PlanRequest(now, asOurs, budgetMb, s.maxWarmModels(),
                    s.predictionThreshold(), pools)).contains(c.modelId())) {
                s.model(c.modelId()).ifPresent(wanted::add);
            }
        }
        return wanted;
    }
}
