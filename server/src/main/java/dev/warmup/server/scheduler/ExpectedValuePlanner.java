package dev.warmup.server.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides what should be warm by expected value. A cold start interrupts the developer whatever the model, so a
 * model's value is the requests it is expected to serve warm, and its cost the memory it holds: the score is
 * expected requests per hour per GB held, {@code rate / memoryGb}, where {@code rate = -ln(1 - p) / horizon} turns
 * the probability of a request within the planning horizon ({@link WarmSetPlanner#HORIZON_SECONDS}) into a rate (a
 * probability saturates at 1; the value of a model used every few seconds does not).
 *
 * <p>The one knob is {@code predictionThreshold} θ, read as a probability: a model is loaded when the chance that it
 * is requested before it has held {@value #LOAD_ALLOWANCE_GBH} GB·h is at least θ, and kept while that chance within
 * {@value #KEEP_ALLOWANCE_GBH} GB·h is at least θ (the gap between the two keeps small swings of the forecast from
 * loading and unloading the same model over and over). Wanted models are packed by score into the memory budget and
 * the model limit; a model in use is always kept. For a model not yet loaded, callers pass the forecast as it will
 * stand when the load would finish: only the requests after that are served warm.
 */
public final class ExpectedValuePlanner implements WarmSetPlanner {
    static final double LOAD_ALLOWANCE_GBH = 5.0;
    static final double KEEP_ALLOWANCE_GBH = 10.0;

    /** Expected requests per hour per GB held. */
    public static double score(Candidate c) {
        double rate = -Math.log(1 - Math.min(c.probability(), 0.9999)) * 3600 / HORIZON_SECONDS;
        return rate / Math.max(c.memoryMb() / 1000.0, 0.001);
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
    public WarmPlan plan(PlanRequest request) {
        List<Candidate> wanted = new ArrayList<>();
        for (Candidate c : request.candidates()) {
            double s = score(c);
            boolean resident = c.residency() != Residency.UNLOADED;
            if (c.inUse() || s >= loadLevel(request.threshold()) || resident && s >= keepLevel(request.threshold())) {
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
                loads.add(new PlannedLoad(c.modelId(), 0, score(c) / loadLevel(request.threshold()),
                        String.format("p=%.2f within %d s: %.2f requests per hour per GB held, saving %.0f s each",
                                c.probability(), HORIZON_SECONDS, score(c), c.loadSeconds())));
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
