package dev.warmup.server.replay.policies;

import dev.warmup.server.replay.Policy;
import dev.warmup.server.replay.Sim;

/**
 * {@code greedy-dual} (FaasCache, ASPLOS 2021): as {@code lru-budget}, but evicts the lowest priority
 * {@code clock + frequency × cold load time / memory}. Frequency counts requests served since the model was last
 * loaded; the priority is recomputed at every request with the clock of that moment; when models are evicted the
 * clock becomes the priority of the last one evicted. Load time in seconds, memory in GB.
 */
public final class GreedyDualPolicy implements Policy {
    private double clock;
    private double[] priority;

    @Override
    public void start(Sim sim) {
        priority = new double[sim.catalog().size()];
    }

    @Override
    public void onRequest(Sim sim, int model, boolean hit) {
        double loadSeconds = sim.catalog().loadMillis(model) / 1000.0;
        double memoryGb = sim.catalog().memoryMb(model) / 1000.0;
        priority[model] = clock + sim.requestsSinceLoad(model) * loadSeconds / memoryGb;
    }

    @Override
    public double evictionRank(Sim sim, int model) {
        return priority[model];
    }

    @Override
    public void onEvicted(Sim sim, int model) {
        clock = priority[model];
    }
}
