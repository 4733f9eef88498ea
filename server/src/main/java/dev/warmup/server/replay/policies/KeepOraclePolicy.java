package dev.warmup.server.replay.policies;

import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.Clairvoyant;
import dev.warmup.server.replay.Sim;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.UserTrace;

/**
 * {@code keep-oracle@W}, a clairvoyant bound for policies that only decide when to unload: it loads on request like
 * keep-alive and never pre-warms, but after each request it knows the gap to the model's next request and how many
 * requests would pile up during a reload. It keeps the model through the gap when holding it costs no more than
 * {@code W} GB·minutes per cold start the gap would otherwise cause ({@code gap × GB ≤ W × (1 + piled-up requests)}),
 * and unloads at once (after its load, rule 5) otherwise. Sweeping {@code W} draws the best cold-starts-for-memory
 * curve any keep-or-unload rule can reach on the trace; below it, only pre-warming ahead of requests helps.
 */
public final class KeepOraclePolicy implements Clairvoyant {
    private final double gbMinutesPerColdStart;
    private long[][] requests;
    private int[] served;

    public KeepOraclePolicy(double gbMinutesPerColdStart) {
        this.gbMinutesPerColdStart = gbMinutesPerColdStart;
    }

    @Override
    public void foresee(UserTrace user, Trace trace, Catalog catalog) {
        requests = RequestTimes.byModel(user, trace, catalog);
        served = new int[catalog.size()];
    }

    @Override
    public void onRequest(Sim sim, int m, boolean hit) {
        long[] r = requests[m];
        int next = ++served[m];
        if (next >= r.length) {
            sim.unload(m);
            return;
        }
        long load = sim.catalog().loadMillis(m);
        long unloadAt = Math.max(sim.now(), sim.loadStart(m) + load);
        double gbMinutes = RequestTimes.gbMinutes(r[next] - unloadAt, sim.catalog().memoryMb(m));
        if (gbMinutes > gbMinutesPerColdStart * (1 + RequestTimes.piledUp(r, next, load))) {
            sim.unload(m);
        }
    }
}
