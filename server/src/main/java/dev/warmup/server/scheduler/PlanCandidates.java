package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.backend.BackendRegistry;
import dev.warmup.server.performance.PerformancePredictor;
import dev.warmup.server.prediction.PredictionService;
import dev.warmup.server.prediction.TaskForecast;
import dev.warmup.server.usage.ModelShares;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the planner sees each model of the catalogue now: its forecast over the planner's horizon (for a model not
 * loaded, the forecast as of when its load would finish, since a load pays only for the requests after it), its
 * measured load time and memory, where it is, and whether it must stay (used in the last {@value ModelStates#IN_USE_MILLIS} ms,
 * resident on a model server that cannot unload it, or held by another running server). The scheduler plans with these and the {@code warmup/predict}
 * preview shows the same plan, so the preview never announces a load or unload the scheduler would not make.
 */
@Singleton
public final class PlanCandidates {
    private final PredictionService prediction;
    private final ModelStates states;
    private final PerformancePredictor performance;
    private final BackendRegistry backends;
    private final ModelShares shares;
    private final Ownership ownership;

    @Inject
    public PlanCandidates(PredictionService prediction, ModelStates states, PerformancePredictor performance,
                          BackendRegistry backends, ModelShares shares, Ownership ownership) {
        this.ownership = ownership;
        this.shares = shares;
        this.prediction = prediction;
        this.states = states;
        this.performance = performance;
        this.backends = backends;
    }

    /** One candidate per model of {@code catalogue}, in its order, as of {@code nowMillis}. */
    public List<WarmSetPlanner.Candidate> build(List<ModelSpec> catalogue, long nowMillis) {
        int horizon = WarmSetPlanner.HORIZON_SECONDS;
        Map<String, TaskForecast> now = TaskForecast.byTask(prediction.forecast(horizon));
        List<WarmSetPlanner.Candidate> candidates = new ArrayList<>(catalogue.size());
        for (ModelSpec m : catalogue) {
            ModelStates.Entry e = states.get(m.id());
            WarmSetPlanner.Residency r = e.residency();
            double loadSeconds = performance.expectedLoadSeconds(m);
            Map<String, TaskForecast> byTask = r == WarmSetPlanner.Residency.UNLOADED
                    ? TaskForecast.byTask(prediction.forecastAhead(Math.round(loadSeconds * 1000), horizon)) : now;
            Outlook o = outlook(m, byTask, catalogue);
            boolean inUse = e.inUse(nowMillis) || heldWhateverPlanned(m, r);
            double perMiss = WarmSetPlanner.Candidate.coldStartsPerMiss(o.taskProbabilities(),
                    prediction.followers(m.tasks(), loadSeconds));
            candidates.add(new WarmSetPlanner.Candidate(m.id(), performance.memoryMb(m), loadSeconds,
                    o.probability(), o.secondsUntilNeeded(), r, inUse, perMiss));
        }
        return candidates;
    }

    /**
     * How a model looks in a forecast: each of its tasks' chance of a request within the horizon, thinned to the
     * model's share of that task's requests when other models of the catalogue serve it too; the chance of any of
     * them; and when the model is expected to be needed (its soonest task's estimate, stretched by its share).
     */
    public record Outlook(double[] taskProbabilities, double probability, double secondsUntilNeeded) {}

    /** {@code m}'s {@link Outlook} in {@code byTask}, among the models of {@code catalogue}. */
    public Outlook outlook(ModelSpec m, Map<String, TaskForecast> byTask, List<ModelSpec> catalogue) {
        double[] p = TaskForecast.probabilities(byTask, m.tasks());
        double until = Double.MAX_VALUE;
        for (int i = 0; i < p.length; i++) {
            String task = m.tasks().get(i);
            double share = shares.share(m.id(), task, catalogue);
            p[i] = ModelShares.thin(p[i], share);
            TaskForecast f = byTask.get(task);
            if (f != null && share > 0) {
                until = Math.min(until, f.secondsUntilNeeded() / share);
            }
        }
        return new Outlook(p, ModelShares.any(p), until);
    }

    /**
     * Whether {@code m} stays resident whatever the plan says: its model server cannot unload it (an
     * OpenAI-compatible server, a single-model llama-server), or another running server holds it
     * ({@link Ownership}), so the plan must pack the others around it.
     */
    private boolean heldWhateverPlanned(ModelSpec m, WarmSetPlanner.Residency r) {
        return r != WarmSetPlanner.Residency.UNLOADED
                && (!backends.canUnload(m.backend()) || ownership.heldByAnotherServer(m.id()));
    }
}
