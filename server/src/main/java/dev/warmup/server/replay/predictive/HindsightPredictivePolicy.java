package dev.warmup.server.replay.predictive;

import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.Clairvoyant;
import dev.warmup.server.replay.Sim;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.UserTrace;
import dev.warmup.server.usage.UsageEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code predictive-hindsight@THRESHOLD}: a bound, not a policy anyone could run. Our policy, decision for decision,
 * but its context rates are fitted on the user's whole trace before the timeline starts and never change: it knows
 * how often each task is requested in each context over all the user's weeks (not when). It answers whether our
 * contexts carry enough information for the bar if learning them were free: what the policy loses by learning from
 * nothing is the gap between it and {@code predictive}; what the contexts cannot tell, the gap between it and the
 * oracles. Every other decision is inherited, so the two cannot drift apart.
 */
public final class HindsightPredictivePolicy extends PredictivePolicy implements Clairvoyant {
    private List<UsageEvent> whole;

    public HindsightPredictivePolicy(double threshold, double learningRate) {
        super(threshold, learningRate);
    }

    @Override
    public void foresee(UserTrace user, Trace trace, Catalog catalog) {
        whole = new ArrayList<>(user.size());
        for (int i = 0; i < user.size(); i++) {
            whole.add(user.event(i, trace));
        }
    }

    @Override
    public void start(Sim sim) {
        super.start(sim);
        predictor().fitContextRatesInHindsight(whole);
        whole = null;
    }
}
