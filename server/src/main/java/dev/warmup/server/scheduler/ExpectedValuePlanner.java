package dev.warmup.server.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides what should be warm by expected value: a model's score is the cold-load time it is expected to save per GB
 * it holds, {@code rate × loadSeconds / memoryGb}, where {@code rate = -ln(1 - probability)} turns the probability of
 * a request within the horizon into an expected number of requests (a probability saturates at 1; the value of
 * holding a model that is used every few seconds does not). Models scoring at least the threshold (the one knob, the
 * {@code predictionThreshold} setting) are wanted; a warm or loading model is kept down to {@value #KEEP} of the
 * threshold, so that small swings of the forecast do not load and unload the same model over and over. Wanted
 * models are packed by score into the memory budget and the model limit; a model in use is always kept.
 */
public final class ExpectedValuePlanner implements WarmSetPlanner {
    static final double KEEP = 0.8;

    /** The score of a candidate (seconds of waiting saved per GB held over the horizon). */
    public static double score(Candidate c) {
        double rate = -Math.log(1 - Math.min(c.probability(), 0.9999));
        return rate * Math.max(c.loadSeconds(), 0.1) / Math.max(c.memoryMb() / 1000.0, 0.001);
    }

    @Override
    public WarmPlan plan(PlanRequest request) {
        List<Candidate> wanted = new ArrayList<>();
        for (Candidate c : request.candidates()) {
            double s = score(c);
            boolean resident = c.residency() != Residency.UNLOADED;
            if (c.inUse() || s >= request.threshold() || resident && s >= KEEP * request.threshold()) {
                wanted.add(c);
            }
        }
        wanted.sort(Comparator.comparing((Candidate c) -> !c.inUse())
                .thenComparing(Comparator.comparingDouble(ExpectedValuePlanner::score).reversed()));
        long used = 0;
        int count = 0;
        List<String> keep = new ArrayList<>();
        List<PlannedLoad> loads = new ArrayList<>();
        for (Candidate c : wanted) {
            if (!c.inUse() && (used + c.memoryMb() > request.memoryBudgetMb() || count + 1 > request.maxWarmModels())) {
                continue;
            }
            used += c.memoryMb();
            count++;
            keep.add(c.modelId());
            if (c.residency() == Residency.UNLOADED) {
                loads.add(new PlannedLoad(c.modelId(), 0, score(c),
                        String.format("p=%.2f, saves %.0f s of loading per %.1f GB", c.probability(),
                                c.loadSeconds(), c.memoryMb() / 1000.0)));
            }
        }
        List<String> unloads = new ArrayList<>();
        for (Candidate c : request.candidates()) {
            if (c.residency() != Residency.UNLOADED && !keep.contains(c.modelId()) && !c.inUse()) {
                unloads.add(c.modelId());
            }
        }
        return new WarmPlan(loads, unloads);
    }
}
