package dev.warmup.server.replay.policies;

import dev.warmup.server.replay.Policy;
import dev.warmup.server.replay.Sim;
import java.util.Arrays;

/**
 * {@code keepalive-K}: load on request, unload K minutes after the model's last request (each request re-arms the
 * timer); LRU eviction when a load would break the budget. Ollama's default is 5 minutes, Continue's 30.
 */
public final class KeepAlivePolicy implements Policy {
    private final long keepMillis;
    private long[] timers;

    public KeepAlivePolicy(double minutes) {
        this.keepMillis = Math.round(minutes * 60_000);
    }

    @Override
    public void start(Sim sim) {
        timers = new long[sim.catalog().size()];
        Arrays.fill(timers, -1);
    }

    @Override
    public void onRequest(Sim sim, int model, boolean hit) {
        sim.cancel(timers[model]);
        timers[model] = sim.schedule(sim.now() + keepMillis, model, Sim.Action.UNLOAD, 0);
    }
}
