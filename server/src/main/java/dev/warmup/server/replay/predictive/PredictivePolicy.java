package dev.warmup.server.replay.predictive;

import dev.warmup.server.prediction.LearnedPredictor;
import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.Policy;
import dev.warmup.server.replay.Sim;
import dev.warmup.server.scheduler.ExpectedValuePlanner;
import dev.warmup.server.scheduler.SustainedUnloads;
import dev.warmup.server.scheduler.WarmSetPlanner;
import dev.warmup.server.scheduler.WarmSetPlanner.Candidate;
import dev.warmup.server.scheduler.WarmSetPlanner.Residency;
import dev.warmup.server.usage.UsageEvent;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code predictive}: our policy, through the same code as the live server: the {@link LearnedPredictor} learns
 * this user from nothing as events arrive (test-then-train: each event is shown after it was served), and the
 * {@link ExpectedValuePlanner} decides at every event, and again whenever the forecast changes with the passing of
 * time (at most a minute apart while something is warm) or an unload held by {@link SustainedUnloads} falls due, what
 * to load and unload. The knob is the planner's threshold
 * ({@code predictionThreshold}). Not final only for {@link HindsightPredictivePolicy}, which is this policy with its
 * context rates fitted in hindsight.
 */
public class PredictivePolicy implements Policy {
    static final long WAKE_MILLIS = 60_000;
    /** The default {@code predictionThreshold}. */
    public static final double DEFAULT_THRESHOLD = 0.7;

    private final double threshold;
    private final double learningRate;
    private final SustainedUnloads planner = new SustainedUnloads(new ExpectedValuePlanner());
    private LearnedPredictor predictor;
    private List<String> tasks;
    private int[][] tasksOfModel;
    private double[] taskP;
    private double[] modelP;
    private double[] leadP;
    private double[][] pOfModelTasks; // scratch per model, reused at every decision: its tasks' probabilities
    private double[][] followersOfModelTasks; // and their burst followers within its load time
    private long wake = -1;

    public PredictivePolicy(double threshold, double learningRate) {
        this.threshold = threshold;
        this.learningRate = learningRate;
    }

    @Override
    public void start(Sim sim) {
        Catalog c = sim.catalog();
        tasks = c.tasks();
        predictor = new LearnedPredictor(tasks, ZoneOffset.UTC, LearnedPredictor.Config.defaults(learningRate));
        tasksOfModel = new int[c.size()][];
        List<List<Integer>> byModel = new ArrayList<>();
        for (int m = 0; m < c.size(); m++) {
            byModel.add(new ArrayList<>());
        }
        for (int k = 0; k < tasks.size(); k++) {
            byModel.get(c.modelOf(tasks.get(k))).add(k);
        }
        for (int m = 0; m < c.size(); m++) {
            tasksOfModel[m] = byModel.get(m).stream().mapToInt(Integer::intValue).toArray();
        }
        taskP = new double[tasks.size()];
        leadP = new double[tasks.size()];
        modelP = new double[c.size()];
        pOfModelTasks = new double[c.size()][];
        followersOfModelTasks = new double[c.size()][];
        for (int m = 0; m < c.size(); m++) {
            pOfModelTasks[m] = new double[tasksOfModel[m].length];
            followersOfModelTasks[m] = new double[tasksOfModel[m].length];
        }
    }

    /** The predictor, once {@link #start} has made it. */
    LearnedPredictor predictor() {
        return predictor;
    }

    @Override
    public void onEvent(Sim sim, UsageEvent event) {
        predictor.observe(event);
        if (predictor.trainingFailure() != null) { // the live server serves on with the context rates; a replay
            // scoring them as our policy would mislead
            throw new IllegalStateException(predictor.trainingFailure().getMessage());
        }
        decide(sim);
    }

    @Override
    public void onWake(Sim sim, int model, long tag) {
        wake = -1;
        decide(sim);
    }

    private void decide(Sim sim) {
        long now = sim.now();
        predictor.probabilities(now, taskP);
        Catalog c = sim.catalog();
        List<Candidate> candidates = new ArrayList<>(c.size());
        for (int m = 0; m < c.size(); m++) {
            double[] p = taskP;
            if (!sim.isResident(m)) { // a load pays only for the requests that come after it has finished
                predictor.probabilitiesAt(now, now + c.loadMillis(m), leadP);
                p = leadP;
            }
            double miss = 1;
            int[] ks = tasksOfModel[m];
            double[] pk = pOfModelTasks[m];
            double[] fk = followersOfModelTasks[m];
            for (int i = 0; i < ks.length; i++) {
                miss *= 1 - p[ks[i]];
                pk[i] = p[ks[i]];
                fk[i] = predictor.followers(ks[i], c.loadMillis(m) / 1000.0);
            }
            modelP[m] = 1 - miss;
            Residency r = sim.isWarm(m) ? Residency.WARM : sim.isLoading(m) ? Residency.LOADING : Residency.UNLOADED;
            // never in use: the trace's requests are instants with nothing in flight, so the live server's guard
            // (no unload within 30 s of a use) is left out here; its cost, measured, is in the README
            candidates.add(new Candidate(String.valueOf(m), c.memoryMb(m), c.loadMillis(m) / 1000.0, modelP[m],
                    Double.NaN, r, false, Candidate.coldStartsPerMiss(pk, fk)));
        }
        WarmSetPlanner.WarmPlan plan = planner.plan(new WarmSetPlanner.PlanRequest(now, candidates, sim.budgetMb(),
                sim.maxWarm(), threshold));
        for (String id : plan.unloads()) {
            sim.unload(Integer.parseInt(id));
        }
        for (WarmSetPlanner.PlannedLoad load : plan.loads()) {
            sim.load(Integer.parseInt(load.modelId()));
        }
        boolean anyResident = false;
        for (int m = 0; m < c.size(); m++) {
            anyResident |= sim.isResident(m);
        }
        long next = Math.min(Math.min(predictor.nextChange(now), planner.nextDue()),
                anyResident ? now + WAKE_MILLIS : Long.MAX_VALUE);
        sim.cancel(wake);
        wake = next == Long.MAX_VALUE ? -1 : sim.schedule(Math.max(next, now + 1), 0, Sim.Action.WAKE, 0);
    }

    @Override
    public double evictionRank(Sim sim, int model) {
        return modelP[model] / sim.catalog().memoryMb(model);
    }
}
