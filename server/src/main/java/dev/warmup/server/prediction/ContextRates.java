package dev.warmup.server.prediction;

import java.util.Arrays;

/**
 * Each task's request rate in the present context, learnt by counting in this user's own past: the requests seen in
 * a context divided by the time spent in it. Contexts go from coarse to fine:
 * <ol>
 *   <li>how long since the task was last requested ({@link #SINCE_TASK} bins; never counts as the last bin);</li>
 *   <li>and how long since any event at all ({@link #SINCE_ANY} bins: is the developer at the keyboard?), shrunk not
 *   towards the first level's rate itself but towards it times how much the requests of all tasks in this context
 *   have differed from their own first level's rates ({@link #POOLED_REQUESTS}): a developer who walks away from
 *   the keyboard does so for every task, so what one task teaches about it serves the others;</li>
 *   <li>and which event happened last (its type), with both idle times in coarse bins.</li>
 * </ol>
 * Each level is shrunk towards the coarser one by {@code shrinkHours} of pseudo-observation, and the coarsest towards
 * what a 10-minute keep-alive assumes, so that a new install behaves like today's default and moves away from it as
 * it learns. Only the past counts: the time spent in a context is booked when the next event closes the interval.
 * The one exception is {@link #frozenCopy()}, for a bound in replay reports only: rates fitted on a whole trace.
 */
final class ContextRates {
    static final long[] SINCE_TASK = {0, 30_000, 60_000, 120_000, 180_000, 300_000, 420_000, 600_000, 900_000,
            1_200_000, 1_800_000, 2_700_000, 3_600_000, 5_400_000, 7_200_000, 14_400_000, 28_800_000};
    static final long[] SINCE_ANY = {0, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 1_800_000};
    /** Requests per hour the prior assumes while a task was used in the last ten minutes, and after. */
    static final double PRIOR_RECENT = 6;
    static final double PRIOR_LATER = 0.5;
    private static final int RECENT_BINS = Arrays.binarySearch(SINCE_TASK, 600_000); // the bins before ten minutes
    private static final int COARSE = 12;
    /** Pseudo-requests by which the second level's shared factor starts at 1 (no difference from the first). */
    static final double POOLED_REQUESTS = 1;

    private final int tasks;
    private final double shrinkHours;
    private final long[] lastRequest;
    private final double[][] n1;
    private final double[][] e1;
    private final double[][] n2;
    private final double[][] e2;
    private double[][] n3 = new double[64][];
    private double[][] e3 = new double[64][];
    private final boolean frozen;
    private long lastEvent = Long.MIN_VALUE;
    private int lastType = -1;

    ContextRates(int tasks, double shrinkHours) {
        this(tasks, shrinkHours, new double[tasks][SINCE_TASK.length], new double[tasks][SINCE_TASK.length],
                new double[tasks][SINCE_TASK.length * SINCE_ANY.length],
                new double[tasks][SINCE_TASK.length * SINCE_ANY.length], false);
    }

    private ContextRates(int tasks, double shrinkHours, double[][] n1, double[][] e1, double[][] n2, double[][] e2,
                         boolean frozen) {
        this.tasks = tasks;
        this.shrinkHours = shrinkHours;
        lastRequest = new long[tasks];
        Arrays.fill(lastRequest, Long.MIN_VALUE);
        this.n1 = n1;
        this.e1 = e1;
        this.n2 = n2;
        this.e2 = e2;
        this.frozen = frozen;
    }

    /**
     * Rates that keep everything counted so far and count nothing more, on a fresh timeline (no event seen yet):
     * observed once over a user's whole trace and then replayed from its start, they forecast with the statistics
     * of the whole trace, the best these contexts can do. For the replay's hindsight bound only; never live.
     */
    ContextRates frozenCopy() {
        ContextRates copy = new ContextRates(tasks, shrinkHours, n1, e1, n2, e2, true);
        copy.n3 = n3;
        copy.e3 = e3;
        return copy;
    }

    /** An event of type {@code type} (index, or -1) at {@code t}, requesting task {@code task} (or -1). */
    void observe(long t, int type, int task) {
        if (frozen) {
            if (task >= 0) {
                lastRequest[task] = t;
            }
            lastEvent = t;
            lastType = type >= 0 && type < n3.length && n3[type] != null ? type : -1; // a type the fit never saw: none
            return;
        }
        if (lastEvent != Long.MIN_VALUE && t > lastEvent) {
            for (int k = 0; k < tasks; k++) {
                expose(k, lastEvent, t);
            }
        }
        if (task >= 0) {
            int b1 = taskBin(task, t);
            int b2 = anyBin(t);
            n1[task][b1]++;
            n2[task][b1 * SINCE_ANY.length + b2]++;
            if (lastType >= 0) {
                n3[lastType][task * COARSE + coarse(b1, b2)]++;
            }
            lastRequest[task] = t;
        }
        lastEvent = t;
        lastType = type;
        if (type >= 0) {
            allocate(type);
        }
    }

    /** Expected requests per hour for task {@code k} at {@code now} (not before the last event). */
    double rate(int k, long now) {
        int b1 = taskBin(k, now);
        int b2 = anyBin(now);
        double r1 = firstLevel(k, b1);
        int c2 = b1 * SINCE_ANY.length + b2;
        double seen = 0;
        double expected = 0;
        for (int j = 0; j < tasks; j++) { // all tasks in this context, against their own first level
            seen += n2[j][c2];
            expected += e2[j][c2] * (j == k ? r1 : firstLevel(j, b1));
        }
        double shared = (seen + POOLED_REQUESTS) / (expected + POOLED_REQUESTS);
        double r2 = (n2[k][c2] + shrinkHours * r1 * shared) / (e2[k][c2] + shrinkHours);
        if (lastType < 0) {
            return r2;
        }
        int c3 = k * COARSE + coarse(b1, b2);
        return (n3[lastType][c3] + shrinkHours * r2) / (e3[lastType][c3] + shrinkHours);
    }

    private double firstLevel(int k, int b1) {
        double prior = b1 < RECENT_BINS ? PRIOR_RECENT : PRIOR_LATER;
        return (n1[k][b1] + shrinkHours * prior) / (e1[k][b1] + shrinkHours);
    }

    /** The next instant after {@code now} when some task's context changes (Long.MAX_VALUE: none will). */
    long nextChange(long now) {
        long next = Long.MAX_VALUE;
        for (int k = 0; k < tasks; k++) {
            next = Math.min(next, taskBoundary(k, now));
        }
        return Math.min(next, anyBoundary(now));
    }

    /** Books the time in [from, to) into the contexts task k passed through (no event happened in between). */
    private void expose(int k, long from, long to) {
        long t = from;
        while (t < to) {
            int b1 = taskBin(k, t);
            int b2 = anyBin(t);
            long next = Math.min(to, Math.min(taskBoundary(k, t), anyBoundary(t)));
            double hours = (next - t) / 3_600_000.0;
            e1[k][b1] += hours;
            e2[k][b1 * SINCE_ANY.length + b2] += hours;
            if (lastType >= 0) {
                e3[lastType][k * COARSE + coarse(b1, b2)] += hours;
            }
            t = next;
        }
    }

    private void allocate(int type) {
        if (type >= n3.length) {
            n3 = Arrays.copyOf(n3, Math.max(type + 1, n3.length * 2));
            e3 = Arrays.copyOf(e3, n3.length);
        }
        if (n3[type] == null) {
            n3[type] = new double[tasks * COARSE];
            e3[type] = new double[tasks * COARSE];
        }
    }

    private int taskBin(int k, long now) {
        return lastRequest[k] == Long.MIN_VALUE ? SINCE_TASK.length - 1 : bin(SINCE_TASK, now - lastRequest[k]);
    }

    private int anyBin(long now) {
        return lastEvent == Long.MIN_VALUE ? SINCE_ANY.length - 1 : bin(SINCE_ANY, now - lastEvent);
    }

    private long taskBoundary(int k, long now) {
        int b = taskBin(k, now);
        return lastRequest[k] == Long.MIN_VALUE || b + 1 >= SINCE_TASK.length ? Long.MAX_VALUE
                : lastRequest[k] + SINCE_TASK[b + 1];
    }

    private long anyBoundary(long now) {
        int b = anyBin(now);
        return lastEvent == Long.MIN_VALUE || b + 1 >= SINCE_ANY.length ? Long.MAX_VALUE : lastEvent + SINCE_ANY[b + 1];
    }

    private static int coarse(int b1, int b2) {
        int c1 = b1 <= 2 ? 0 : b1 <= 7 ? 1 : b1 <= 12 ? 2 : 3;
        int c2 = b2 == 0 ? 0 : b2 <= 3 ? 1 : 2;
        return c1 * 3 + c2;
    }

    private static int bin(long[] edges, long x) {
        int i = Arrays.binarySearch(edges, Math.max(0, x));
        return i >= 0 ? i : -i - 2;
    }
}
