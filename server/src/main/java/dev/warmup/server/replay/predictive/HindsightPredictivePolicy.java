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
 * oracles.
 */
public final class HindsightPredictivePolicy implements Clairvoyant {
    private final PredictivePolicy policy;
    private List<UsageEvent> whole;

    public HindsightPredictivePolicy(double threshold, double learningRate) {
        policy = new PredictivePolicy(threshold, learningRate);
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
        policy.start(sim);
        policy.predictor().fitContextRatesInHindsight(whole);
        whole = null;
    }

    @Override
    public void onRequest(Sim sim, int model, boolean hit) {
        policy.onRequest(sim, model, hit);
    }

    @Override
    public void onEvent(Sim sim, UsageEvent event) {
        policy.onEvent(sim, event);
    }

    @Override
    public void onWake(Sim sim, int model, long tag) {
        policy.onWake(sim, model, tag);
    }

    @Override
    public double evictionRank(Sim sim, int model) {
        return policy.evictionRank(sim, model);
    }

    @Override
    public void onEvicted(Sim sim, int model) {
        policy.onEvicted(sim, model);
    }
}
