package dev.warmup.server.replay.policies;

import dev.warmup.server.replay.Policy;
import dev.warmup.server.replay.Sim;
import java.util.Arrays;

/**
 * {@code hybrid-histogram} (Shahrad et al., USENIX ATC 2020), per EVALUATION.md §5 and §7.8: per model, a histogram
 * of idle times between consecutive requests in 1-minute bins up to 4 hours. When there are at least 10 idle times,
 * at most half of them beyond 4 hours, and the bin counts' coefficient of variation is 2 or more: after each request
 * unload, pre-warm at the 5th percentile minus 10 % and keep warm until the 99th percentile plus 10 % (with a 5th
 * percentile of zero: keep warm until then without unloading). Otherwise keep warm for 4 hours.
 */
public final class HybridHistogramPolicy implements Policy {
    static final int BINS = 240;
    private static final long MINUTE = 60_000;
    private static final long FOUR_HOURS = BINS * MINUTE;

    private int[][] bins;
    private int[] outOfBounds;
    private int[] total;
    private long[] lastRequest;
    private long[][] plan; // per model: pending timer handles

    @Override
    public void start(Sim sim) {
        int n = sim.catalog().size();
        bins = new int[n][BINS];
        outOfBounds = new int[n];
        total = new int[n];
        lastRequest = new long[n];
        Arrays.fill(lastRequest, Long.MIN_VALUE);
        plan = new long[n][];
        for (int m = 0; m < n; m++) {
            plan[m] = new long[] {-1, -1, -1};
        }
    }

    @Override
    public void onRequest(Sim sim, int m, boolean hit) {
        long t = sim.now();
        if (lastRequest[m] != Long.MIN_VALUE) {
            long idle = t - lastRequest[m];
            long bin = idle / MINUTE;
            if (bin >= BINS) {
                outOfBounds[m]++;
            } else {
                bins[m][(int) bin]++;
            }
            total[m]++;
        }
        lastRequest[m] = t;
        for (long h : plan[m]) {
            sim.cancel(h);
        }
        Arrays.fill(plan[m], -1);
        if (!usable(m)) {
            plan[m][0] = sim.schedule(t + FOUR_HOURS, m, Sim.Action.UNLOAD, 0);
            return;
        }
        int inBound = total[m] - outOfBounds[m];
        int headBin = percentileBin(m, 0.05, inBound);
        int tailBin = percentileBin(m, 0.99, inBound);
        long keepUntil = t + Math.round((tailBin + 1) * MINUTE * 1.1);
        if (headBin == 0) {
            plan[m][0] = sim.schedule(keepUntil, m, Sim.Action.UNLOAD, 0);
        } else {
            plan[m][0] = sim.unload(m);
            plan[m][1] = sim.schedule(t + Math.round(headBin * MINUTE * 0.9), m, Sim.Action.PRELOAD, 0);
            plan[m][2] = sim.schedule(keepUntil, m, Sim.Action.UNLOAD, 0);
        }
    }

    private boolean usable(int m) {
        if (total[m] < 10 || outOfBounds[m] * 2 > total[m]) {
            return false;
        }
        double mean = 0;
        for (int c : bins[m]) {
            mean += c;
        }
        mean /= BINS;
        double var = 0;
        for (int c : bins[m]) {
            var += (c - mean) * (c - mean);
        }
        double cv = Math.sqrt(var / BINS) / mean;
        return cv >= 2;
    }

    private int percentileBin(int m, double p, int inBound) {
        double target = p * inBound;
        int cumulative = 0;
        for (int b = 0; b < BINS; b++) {
            cumulative += bins[m][b];
            if (cumulative >= target) {
                return b;
            }
        }
        return BINS - 1;
    }
}
