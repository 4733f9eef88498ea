package dev.warmup.server.scheduler;

import java.util.List;
import java.util.Set;

/**
 * Decides what should be warm: from each model's forecast, cost and state, within the budget, which models to load
 * (and when) and which to unload. A pure function of its input, so that the live scheduler and the replay tool take
 * the same decisions.
 */
public interface WarmSetPlanner {
    /** The horizon of the probabilities the planner is given, in seconds. */
    int HORIZON_SECONDS = 300;

    WarmPlan plan(PlanRequest request);

    /**
     * Whether the plan would want {@code c} warm for its own sake, the budget aside: for a model another server holds,
     * which the plan must otherwise take as pinned.
     */
    boolean wants(Candidate c, double threshold);

    /** Where a model is now. */
    enum Residency { UNLOADED, LOADING, WARM }

    /**
     * One model as the planner sees it.
     *
     * @param modelId            the model
     * @param memoryMb           memory it holds when loaded
     * @param loadSeconds        expected cold load time
     * @param probability        probability that it is requested within the horizon
     * @param secondsUntilNeeded estimated seconds until it is requested
     * @param residency          where it is now
     * @param inUse              serving a request now: never unloaded
     * @param coldStartsPerMiss  cold starts a request that finds it unloaded costs: that request and the ones of its
     *                           burst that arrive before the load finishes (at least 1)
     */
    record Candidate(String modelId, long memoryMb, double loadSeconds, double probability, double secondsUntilNeeded,
                     Residency residency, boolean inUse, double coldStartsPerMiss) {
        /** This candidate, in use or not as {@code inUse} says (not pinned for another reason). */
        public Candidate withInUse(boolean inUse) {
            return new Candidate(modelId, memoryMb, loadSeconds, probability, secondsUntilNeeded, residency, inUse,
                    coldStartsPerMiss);
        }

        /**
         * The cold starts a miss costs for a model serving several tasks: 1 plus each task's {@code followers}
         * (requests of its burst within the load time), weighted by the task's {@code probability}.
         */
        public static double coldStartsPerMiss(double[] probability, double[] followers) {
            double p = 0;
            double pf = 0;
            double max = 0;
            for (int i = 0; i < probability.length; i++) {
                p += probability[i];
                pf += probability[i] * followers[i];
                max = Math.max(max, followers[i]);
            }
            return 1 + (p > 0 ? pf / p : max);
        }
    }

    /**
     * @param nowMillis      the time of the decision
     * @param candidates     every model of the catalogue
     * @param memoryBudgetMb memory budget for warm and loading models
     * @param maxWarmModels  most models warm or loading at once
     * @param threshold      the one trade-off knob, from {@code predictionThreshold}: higher holds less memory
     * @param pools          budgets of their own for some of the models, besides {@code memoryBudgetMb}
     */
    record PlanRequest(long nowMillis, List<Candidate> candidates, long memoryBudgetMb, int maxWarmModels,
                       double threshold, List<Pool> pools) {
        public PlanRequest {
            pools = List.copyOf(pools);
        }

        /** With no budget but {@code memoryBudgetMb} (the replay's). */
        public PlanRequest(long nowMillis, List<Candidate> candidates, long memoryBudgetMb, int maxWarmModels,
                           double threshold) {
            this(nowMillis, candidates, memoryBudgetMb, maxWarmModels, threshold, List.of());
        }

        /** Whether the warm and loading models among {@code kept} fit every budget and the model limit. */
        boolean fits(List<Candidate> kept) {
            long memory = 0;
            for (Candidate c : kept) {
                memory += c.memoryMb();
            }
            if (memory > memoryBudgetMb || kept.size() > maxWarmModels) {
                return false;
            }
            for (Pool pool : pools) {
                long held = 0;
                for (Candidate c : kept) {
                    held += pool.modelIds().contains(c.modelId()) ? c.memoryMb() : 0;
                }
                if (held > pool.budgetMb()) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A budget of its own for some models: those of the backends whose model server runs in a cgroup with a memory
     * limit, which must fit in what that limit leaves whatever the machine has available.
     *
     * @param modelIds the models
     * @param budgetMb what they may hold, warm and loading together
     */
    record Pool(Set<String> modelIds, long budgetMb) {
        public Pool {
            modelIds = Set.copyOf(modelIds);
        }
    }

    /**
     * @param modelId        the model to load
     * @param startInSeconds when to start the load, from now (0: now)
     * @param value          how far its score is above the load level (at least 1; 2 or more is high priority)
     * @param reason         why, in words
     */
    record PlannedLoad(String modelId, double startInSeconds, double value, String reason) {}

    /** Loads in order of value, and unloads (models the plan no longer wants warm). */
    record WarmPlan(List<PlannedLoad> loads, List<String> unloads) {}
}
