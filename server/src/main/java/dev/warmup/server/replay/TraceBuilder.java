package dev.warmup.server.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects events per user in file order and builds a {@link Trace}: each user's events stably sorted by time
 * (same-time events keep file order, EVALUATION.md §7.1), event names interned.
 */
public final class TraceBuilder {
    private final List<String> tasks;
    private final Map<String, Integer> detailIndex = new HashMap<>();
    private final List<String> details = new ArrayList<>();
    private final Map<String, Rows> users = new LinkedHashMap<>();

    public TraceBuilder(List<String> tasks) {
        this.tasks = List.copyOf(tasks);
    }

    /** Adds one event; {@code task} is null for context events and must be one of the builder's tasks otherwise. */
    public void add(String user, long atMillis, String detail, String task) {
        int t = -1;
        if (task != null) {
            t = tasks.indexOf(task);
            if (t < 0) {
                throw new IllegalArgumentException("unknown task " + task + "; known: " + tasks);
            }
        }
        int d = detailIndex.computeIfAbsent(detail == null ? "" : detail, k -> {
            details.add(k);
            return details.size() - 1;
        });
        users.computeIfAbsent(user, k -> new Rows()).add(atMillis, d, (byte) t);
    }

    public Trace build() {
        List<UserTrace> out = new ArrayList<>(users.size());
        for (Map.Entry<String, Rows> e : users.entrySet()) {
            out.add(e.getValue().toUserTrace(e.getKey()));
        }
        return new Trace(out, details.toArray(String[]::new), tasks);
    }

    private static final class Rows {
        long[] times = new long[1024];
        int[] details = new int[1024];
        byte[] tasks = new byte[1024];
        int n;

        void add(long at, int detail, byte task) {
            if (n == times.length) {
                times = Arrays.copyOf(times, n * 2);
                details = Arrays.copyOf(details, n * 2);
                tasks = Arrays.copyOf(tasks, n * 2);
            }
            times[n] = at;
            details[n] = detail;
            tasks[n] = task;
            n++;
        }

        UserTrace toUserTrace(String user) {
            Integer[] order = new Integer[n];
            boolean sorted = true;
            for (int i = 0; i < n; i++) {
                order[i] = i;
                sorted &= i == 0 || times[i - 1] <= times[i];
            }
            if (!sorted) {
                Arrays.sort(order, (a, b) -> Long.compare(times[a], times[b])); // stable (TimSort)
            }
            long[] t = new long[n];
            int[] d = new int[n];
            byte[] k = new byte[n];
            for (int i = 0; i < n; i++) {
                t[i] = times[order[i]];
                d[i] = details[order[i]];
                k[i] = tasks[order[i]];
            }
            return new UserTrace(user, t, d, k);
        }
    }
}
