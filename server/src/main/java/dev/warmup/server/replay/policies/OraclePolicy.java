package dev.warmup.server.replay.policies;

import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.Clairvoyant;
import dev.warmup.server.replay.Sim;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.UserTrace;
import java.util.Arrays;

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
        int[] count = new int[catalog.size()];
        int[] modelOfTask = new int[trace.tasks().size()];
        for (int t = 0; t < modelOfTask.length; t++) {
            modelOfTask[t] = catalog.modelOf(trace.tasks().get(t));
        }
        for (byte task : user.tasks()) {
            if (task >= 0 && modelOfTask[task] >= 0) {
                count[modelOfTask[task]]++;
            }
        }
        requests = new long[catalog.size()][];
        for (int m = 0; m < requests.length; m++) {
            requests[m] = new long[count[m]];
        }
        Arrays.fill(count, 0);
        for (int i = 0; i < user.size(); i++) {
            int task = user.tasks()[i];
            if (task >= 0 && modelOfTask[task] >= 0) {
                int m = modelOfTask[task];
                requests[m][count[m]++] = user.times()[i];
            }
        }
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
