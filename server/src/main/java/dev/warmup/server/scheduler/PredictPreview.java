package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelPrediction;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.PerformanceImpact;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.ScheduledWarmup;
import dev.warmup.protocol.WarmupPrediction;
import dev.warmup.protocol.WarmupSchedule;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.performance.PerformancePredictor;
import dev.warmup.server.prediction.PredictionService;
import dev.warmup.server.prediction.TaskForecast;
import dev.warmup.server.resources.ResourceManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code warmup/predict}: the catalogue's models ranked by their chance of being needed within the asked horizon,
 * each with its confidence, time until needed and reasons, and the schedule the scheduler's own plan would carry out
 * now (loads, when each may start under the performance impact threshold, unloads or hand-overs after their grace).
 * A preview: nothing is loaded or unloaded.
 */
@Singleton
public final class PredictPreview {
    private final ConfigurationManager config;
    private final PredictionService prediction;
    private final PlanCandidates candidateBuilder;
    private final PerformancePredictor performance;
    private final ResourceManager resources;
    private final ModelStates states;
    private final Ownership ownership;
    private final SustainedUnloads heldUnloads;
    private final Clock clock;
    private final WarmSetPlanner planner = new ExpectedValuePlanner();

    @Inject
    public PredictPreview(ConfigurationManager config, PredictionService prediction, PlanCandidates candidateBuilder,
                          PerformancePredictor performance, ResourceManager resources, ModelStates states,
                          Ownership ownership, SustainedUnloads heldUnloads, Clock clock) {
        this.config = config;
        this.prediction = prediction;
        this.candidateBuilder = candidateBuilder;
        this.performance = performance;
        this.resources = resources;
        this.states = states;
        this.ownership = ownership;
        this.heldUnloads = heldUnloads;
        this.clock = clock;
    }

    /** The ranking for {@code params}' horizon (300 s unless given), at most {@code limit} models, and the plan. */
    public WarmupPrediction predict(PredictParams params) {
        WarmupSettings s = config.current();
        int horizon = params.horizonSeconds() == null ? 300 : params.horizonSeconds();
        List<ModelPrediction> ranked = ranked(s, TaskForecast.byTask(prediction.forecast(horizon)));
        if (params.limit() != null && ranked.size() > params.limit()) {
            ranked = ranked.subList(0, params.limit());
        }
        // the plan is the scheduler's own, whatever horizon the ranking above was asked for
        long now = clock.millis();
        WarmSetPlanner.WarmPlan plan = planner.plan(new WarmSetPlanner.PlanRequest(now,
                candidateBuilder.build(s.models(), now),
                resources.memoryBudgetMb(s, states.heldMb()), s.maxWarmModels(), s.predictionThreshold(),
                LimitPools.pools(resources, s, states)));
        List<ScheduledWarmup> steps = new ArrayList<>();
        int peak = states.heldMb();
        double total = 0;
        Map<String, Double> waitSeconds = ImpactTrim.waits(plan.loads(), ImpactTrim.underWay(s, states, now),
                id -> s.model(id).orElseThrow(), performance, s.performanceImpactThreshold());
        for (WarmSetPlanner.PlannedLoad load : plan.loads()) {
            ModelSpec m = s.model(load.modelId()).orElseThrow();
            int memoryMb = (int) performance.memoryMb(m);
            double loadSeconds = performance.expectedLoadSeconds(m);
            steps.add(new ScheduledWarmup(m.id(), "load", Math.max(load.startInSeconds(),
                    waitSeconds.getOrDefault(m.id(), 0.0)), loadSeconds, memoryMb,
                    load.value() >= 2 ? "high" : "medium"));
            peak += memoryMb;
            total += loadSeconds;
        }
        for (String id : plan.unloads()) { // the scheduler waits until the model has stayed unwanted for its grace
            String action = ownership.wantedElsewhere(s.model(id).orElseThrow()) ? "handOver" : "unload";
            steps.add(new ScheduledWarmup(id, action, heldUnloads.delayMillis(id, now) / 1000.0, 0, 0, "low"));
        }
        double confidence = ranked.stream().mapToDouble(ModelPrediction::confidence).max().orElse(0);
        PerformanceImpact impact = performance.assessImpact(plan.loads().stream()
                .map(l -> s.model(l.modelId()).orElseThrow()).toList(), horizon, s.performanceImpactThreshold());
        return new WarmupPrediction(ranked, new WarmupSchedule(steps, total, peak, steps.isEmpty() ? "low" : "medium"),
                impact, confidence, prediction.name(), Instant.ofEpochMilli(now).toString());
    }

    /**
     * Each model any of whose tasks is forecast, by its likeliest task, most probable first: its chance and time
     * until needed as the plan sees them (thinned to its share of a task other models of the catalogue serve too).
     */
    private List<ModelPrediction> ranked(WarmupSettings s, Map<String, TaskForecast> byTask) {
        List<ModelPrediction> ranked = new ArrayList<>();
        for (ModelSpec m : s.models()) {
            TaskForecast best = null;
            for (String task : m.tasks()) {
                TaskForecast f = byTask.get(task);
                if (f != null) {
                    best = best == null || f.probability() > best.probability() ? f : best;
                }
            }
            if (best == null) {
                continue;
            }
            PlanCandidates.Outlook outlook = candidateBuilder.outlook(m, byTask, s.models()); // as the plan sees it
            List<String> reasons = new ArrayList<>(best.reasons());
            if (performance.noHistory(m.id())) {
                reasons.add(new WarmupException(ErrorCode.WMP_6002, "load time and memory are the catalogue's until "
                        + m.id() + " has been loaded once").getMessage());
            }
            ranked.add(new ModelPrediction(m.id(), best.task(), best.confidence(), outlook.probability(),
                    outlook.secondsUntilNeeded(), String.join("; ", reasons)));
        }
        ranked.sort(Comparator.comparingDouble(ModelPrediction::usageProbability).reversed());
        return ranked;
    }
}
