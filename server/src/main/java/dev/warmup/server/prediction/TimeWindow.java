package dev.warmup.server.prediction;

import java.util.Arrays;

/**
 * Timestamps in sliding windows of several lengths, counted in O(1) amortised as time moves forward. Lengths are
 * given in increasing order; timestamps older than the longest window are dropped.
 */
final class TimeWindow {
    private final long[] lengths;
    private final int[] starts;
    private long[] times = new long[64];
    private int head;
    private int tail;

    TimeWindow(long... lengthsMillis) {
        this.lengths = lengthsMillis.clone();
        this.starts = new int[lengthsMillis.length];
    }

    void add(long t) {
        if (tail == times.length) {
            if (head > times.length / 2) {
                int n = tail - head;
                System.arraycopy(times, head, times, 0, n);
                for (int w = 0; w < starts.length; w++) {
                    starts[w] = Math.max(0, starts[w] - head);
                }
                head = 0;
                tail = n;
            } else {
                times = Arrays.copyOf(times, times.length * 2);
            }
        }
        times[tail++] = t;
    }

    /** Timestamps in {@code (now - lengths[w], now]}; {@code now} must not decrease between calls. */
    int count(int w, long now) {
        long from = now - lengths[w];
        int s = Math.max(starts[w], head);
        while (s < tail && times[s] <= from) {
            s++;
        }
        starts[w] = s;
        if (w == lengths.length - 1) {
            head = s;
        }
        return tail - s;
    }
}
