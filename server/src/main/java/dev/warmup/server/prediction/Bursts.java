package dev.warmup.server.prediction;

import java.util.Arrays;

/**
 * How many more requests of a task follow the first request of a burst, learnt from this user's own past. A burst
 * starts with a request that comes {@value #QUIET_MILLIS} ms or more after the task's previous one. It matters
 * because a request that finds its model unloaded starts a load, and every request of the burst that arrives before
 * the load finishes is a cold start too: a miss costs {@code 1 + followers(task, loadSeconds)} cold starts, and a
 * task used in bursts (builds, test runs) is worth more warm memory than one used a request at a time.
 *
 * <p>A burst is counted only once {@value #WINDOW_MILLIS} ms have passed since its start, so no estimate uses a
 * request that has not happened yet. Estimates are shrunk towards no followers by {@value #PRIOR_BURSTS} bursts, so
 * a new install weighs every miss as one cold start.
 */
final class Bursts {
    static final long QUIET_MILLIS = 60_000;
    static final long WINDOW_MILLIS = 64_000;
    static final double PRIOR_BURSTS = 2;
    /** Upper edges of the follower bins, ms after the burst's first request. */
    private static final long[] EDGES = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000};

    private final long[] lastRequest;
    private final long[] openStart;
    private final int[][] openCounts;
    private final double[][] within; // per task, per edge: followers before that edge, summed over closed bursts
    private final long[] closed;

    Bursts(int tasks) {
        lastRequest = new long[tasks];
        openStart = new long[tasks];
        Arrays.fill(lastRequest, Long.MIN_VALUE);
        Arrays.fill(openStart, Long.MIN_VALUE);
        openCounts = new int[tasks][EDGES.length];
        within = new double[tasks][EDGES.length];
        closed = new long[tasks];
    }

    /** Time moves on to {@code t}, and task {@code task} (or -1: none) is requested then. */
    void observe(long t, int task) {
        for (int k = 0; k < openStart.length; k++) {
            if (openStart[k] != Long.MIN_VALUE && t - openStart[k] >= WINDOW_MILLIS) {
                close(k);
            }
        }
        if (task < 0) {
            return;
        }
        if (openStart[task] != Long.MIN_VALUE) {
            long offset = t - openStart[task];
            for (int b = 0; b < EDGES.length; b++) {
                if (offset < EDGES[b]) {
                    openCounts[task][b]++;
                }
            }
        } else if (lastRequest[task] == Long.MIN_VALUE || t - lastRequest[task] >= QUIET_MILLIS) {
            openStart[task] = t;
        }
        lastRequest[task] = t;
    }

    /** Expected further requests of task {@code k} within {@code seconds} of a burst's first request. */
    double followers(int k, double seconds) {
        long ms = Math.round(seconds * 1000);
        double lowerEdge = 0;
        double lowerValue = 0;
        for (int b = 0; b < EDGES.length; b++) {
            double value = within[k][b] / (closed[k] + PRIOR_BURSTS);
            if (ms <= EDGES[b]) {
                return lowerValue + (value - lowerValue) * (ms - lowerEdge) / (EDGES[b] - lowerEdge);
            }
            lowerEdge = EDGES[b];
            lowerValue = value;
        }
        return lowerValue; // longer than the window: what the window saw
    }

    /** Bursts counted so far for task {@code k}. */
    long bursts(int k) {
        return closed[k];
    }

    private void close(int k) {
        for (int b = 0; b < EDGES.length; b++) {
            within[k][b] += openCounts[k][b];
            openCounts[k][b] = 0;
        }
        closed[k]++;
        openStart[k] = Long.MIN_VALUE;
    }
}
