package dev.warmup.server.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides what should be warm by expected value. A cold start interrupts the developer whatever the model, so a
 * model's value is the cold starts it is expected to save, and its cost the memory it holds: the score is expected
 * cold starts saved per hour per GB held, {@code rate × coldStartsPerMiss / memoryGb}, where
 * {@code rate = -ln(1 - p) / horizon} turns the probability of a request within the planning horizon
 * ({@link WarmSetPlanner#HORIZON_SECONDS}) into a rate (a probability saturates at 1; the value of a model used every
 * few seconds does not), and {@code coldStartsPerMiss} counts the requests of a burst that would pile up behind a
 * cold load (a build's burst of analysis requests makes a miss cost several cold starts).
 *
 * <p>The one knob is {@code predictionThreshold} θ: a model is loaded when the cold starts it is expected to save
 * before it has held {@value #LOAD_ALLOWANCE_GBH} GB·h reach {@code -ln(1 - θ)} (for a model missed one cold start
 * at a time: when the chance that it is requested within that much memory-time is at least θ), and kept while that
 * holds within {@value #KEEP_ALLOWANCE_GBH} GB·h (the gap between the two keeps small swings of the forecast from
 * loading and unloading the same model over and over). Wanted models are packed by score into the memory budget and
 * the model limit; a model in use is always kept. For a model not yet loaded, callers pass the forecast as it will
 * stand when the load would finish: only the requests after that are served warm.
 */
public final class ExpectedValuePlanner implements WarmSetPlanner {
    static final double LOAD_ALLOWANCE_GBH = 2.0;
    static final double KEEP_ALLOWANCE_GBH = 6.0;

    /** Expected cold starts saved per hour per GB held. */
    public static double score(Candidate c) {
        double rate = -Math.log(1 - Math.min(c.probability(), 0.9999)) * 3600 / HORIZON_SECONDS;
        return rate * Math.max(1, c.coldStartsPerMiss()) / Math.max(c.memoryMb() / 1000.0, 0.001);
    }

    /** The score a model must reach to be loaded, for threshold θ. */
    public static double loadLevel(double threshold) {
        return -Math.log(1 - Math.min(Math.max(threshold, 0.0001), 0.9999)) / LOAD_ALLOWANCE_GBH;
    }

    /** The score a warm or loading model must keep to stay, for threshold θ. */
    public static double keepLevel(double threshold) {
        return -Math.log(1 - Math.min(Math.max(threshold, 0.0001), 0.9999)) / KEEP_ALLOWANCE_GBH;
    }

    @Override
    public boolean wants(Candidate c, double threshold) {
        return wanted(c, score(c), loadLevel(threshold), keepLevel(threshold));
    }

    /** In use, or scoring the level its residency asks: the load level to be loaded, the keep level to stay. */
    private static boolean wanted(Candidate c, double score, double loadLevel, double keepLevel) {
        return c.inUse() || score >= (c.residency() == Residency.UNLOADED ? loadLevel : keepLevel);
    }

    @Override
    public WarmPlan plan(PlanRequest request) {
        List<Candidate> all = request.candidates();
        double load = loadLevel(request.threshold());
        double keepAt = keepLevel(request.threshold());
        int n = all.size();
        double[] score = new double[n];
        List<Integer> wanted = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Candidate c = all.get(i);
            score[i] = score(c);
            if (wanted(c, score[i], load, keepAt)) {
                wanted.add(i);
            }
        }
        wanted.sort(Comparator.comparing((Integer i) -> !all.get(i).inUse())
                .thenComparing(Comparator.comparingDouble((Integer i) -> score[i]).reversed()));
        long used = 0;
        int count = 0;
        List<Pool> pools = request.pools();
        long[] pooled = new long[pools.size()];
        boolean[] keep = new boolean[n];
        List<PlannedLoad> loads = new ArrayList<>();
        for (int i : wanted) {
            Candidate c = all.get(i);
            if (!c.inUse() && (used + c.memoryMb() > request.memoryBudgetMb() || count + 1 > request.maxWarmModels()
                    || !fitsPools(pools, pooled, c))) {
                continue;
            }
            used += c.memoryMb();
            count++;
            for (int k = 0; k < pools.size(); k++) {
                pooled[k] += pools.get(k).modelIds().contains(c.modelId()) ? c.memoryMb() : 0;
            }
            keep[i] = true;
            if (c.residency() == Residency.UNLOADED) {
                loads.add(new PlannedLoad(c.modelId(), 0, score[i] / load, "p=" + round2(c.probability()) + " within "
                        + HORIZON_SECONDS + " s: " + round2(score[i]) + " cold starts saved per hour per GB held ("
                        + round2(c.coldStartsPerMiss()) + " per miss), saving " + Math.round(c.loadSeconds()) + " s each"));
            }
        }
        List<String> unloads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Candidate c = all.get(i);
            if (c.residency() != Residency.UNLOADED && !keep[i] && !c.inUse()) {
                unloads.add(c.modelId());
            }
        }
        return new WarmPlan(loads, unloads);
    }

    /** Whether {@code c} fits beside what each pool it is in holds so far ({@code pooled}). */
    private static boolean fitsPools(List<Pool> pools, long[] pooled, Candidate c) {
        for (int k = 0; k < pools.size(); k++) {
            if (pools.get(k).modelIds().contains(c.modelId()) && pooled[k] + c.memoryMb() > pools.get(k).budgetMb()) {
                return false;
            }
        }
        return true;
    }

    private static double round2(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
