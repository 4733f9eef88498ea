package dev.warmup.server.replay.policies;

import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.Clairvoyant;
import dev.warmup.server.replay.Sim;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.UserTrace;

/**
 * {@code oracle}, the clairvoyant upper bound (EVALUATION.md §5, §7.9): pre-warms each model exactly its load time
 * before its first request; after each request it unloads and pre-warms exactly the load time before the next
 * request, or keeps the model warm when that load would start before the unload. An evicted model is not
 * rescheduled.
 */
public final class OraclePolicy implements Clairvoyant {
    private long[][] requests; // per model: request times in order
    private int[] served;

    @Override
    public void foresee(UserTrace user, Trace trace, Catalog catalog) {
        requests = RequestTimes.byModel(user, trace, catalog);
        served = new int[catalog.size()];
    }

    @Override
    public void start(Sim sim) {
        for (int m = 0; m < requests.length; m++) {
            if (requests[m].length > 0) {
                sim.schedule(requests[m][0] - sim.catalog().loadMillis(m), m, Sim.Action.PRELOAD, 0);
            }
        }
    }

    @Override
    public void onRequest(Sim sim, int m, boolean hit) {
        int next = ++served[m];
        long load = sim.catalog().loadMillis(m);
        long unloadAt = Math.max(sim.now(), sim.loadStart(m) + load);
        if (next < requests[m].length && requests[m][next] - load < unloadAt) {
            return; // the next load would start before the unload: keep it warm
        }
        sim.unload(m);
        if (next < requests[m].length) {
            sim.schedule(requests[m][next] - load, m, Sim.Action.PRELOAD, 0);
        }
    }
}
