package dev.warmup.server.replay;

import dev.warmup.server.usage.UsageStatsQuery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a trace holds (EVALUATION.md §1): users, events, sessions (split at gaps of 30 minutes or more), active
 * user-hours (the sum of session lengths, first to last event) and requests per task.
 */
public record TraceTotals(int users, long events, long sessions, double activeUserHours,
                          Map<String, Long> requests) {

    /** The whole trace's totals. */
    public static TraceTotals of(Trace trace) {
        return of(trace, trace.users());
    }

    /** One user's totals. */
    public static TraceTotals of(Trace trace, UserTrace user) {
        return of(trace, List.of(user));
    }

    private static TraceTotals of(Trace trace, List<UserTrace> users) {
        long events = 0;
        long sessions = 0;
        long activeMillis = 0;
        long[] perTask = new long[trace.tasks().size()];
        for (UserTrace u : users) {
            events += u.size();
            long[] t = u.times();
            if (t.length > 0) { // one walk: sessions split at gaps of 30 minutes or more, first to last event each
                sessions++;
                long start = t[0];
                for (int i = 1; i < t.length; i++) {
                    if (t[i] - t[i - 1] >= UsageStatsQuery.SESSION_GAP_MILLIS) {
                        sessions++;
                        activeMillis += t[i - 1] - start;
                        start = t[i];
                    }
                }
                activeMillis += t[t.length - 1] - start;
            }
            for (byte task : u.tasks()) {
                if (task >= 0) {
                    perTask[task]++;
                }
            }
        }
        Map<String, Long> requests = new LinkedHashMap<>();
        for (int i = 0; i < perTask.length; i++) {
            requests.put(trace.tasks().get(i), perTask[i]);
        }
        return new TraceTotals(users.size(), events, sessions, activeMillis / 3_600_000.0, requests);
    }

    public long totalRequests() {
        return requests.values().stream().mapToLong(Long::longValue).sum();
    }
}
