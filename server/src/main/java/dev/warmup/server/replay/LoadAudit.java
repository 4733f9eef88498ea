package dev.warmup.server.replay;

import java.util.Arrays;

/**
 * Records every load interval {@code [start, end)} with its memory and checks, after the fact, that the budget and
 * the model limit held at every instant (EVALUATION.md §7.10: computed, not assumed).
 */
final class LoadAudit {
    private long[] starts = new long[64];
    private long[] ends = new long[64];
    private long[] memory = new long[64];
    private int n;

    void record(long start, long end, long memoryMb) {
        if (n == starts.length) {
            starts = Arrays.copyOf(starts, n * 2);
            ends = Arrays.copyOf(ends, n * 2);
            memory = Arrays.copyOf(memory, n * 2);
        }
        starts[n] = start;
        ends[n] = end;
        memory[n] = memoryMb;
        n++;
    }

    double mbMillis() {
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += (double) memory[i] * (ends[i] - starts[i]);
        }
        return total;
    }

    /** Load starts at which the memory or model count in use exceeded the limits. */
    long violations(long budgetMb, int maxModels) {
        // sweep: +1 at each start, -1 at each end; ends sort before starts at the same instant (half-open)
        long[][] points = new long[2 * n][];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (ends[i] > starts[i]) { // an interval of no length holds nothing
                points[k++] = new long[] {starts[i], 1, memory[i]};
                points[k++] = new long[] {ends[i], 0, memory[i]};
            }
        }
        points = Arrays.copyOf(points, k);
        Arrays.sort(points, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        long used = 0;
        int count = 0;
        long violations = 0;
        for (long[] p : points) {
            if (p[1] == 1) {
                used += p[2];
                count++;
                if (used > budgetMb || count > maxModels) {
                    violations++;
                }
            } else {
                used -= p[2];
                count--;
            }
        }
        return violations;
    }
}
