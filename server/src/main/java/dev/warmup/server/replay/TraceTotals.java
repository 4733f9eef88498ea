package dev.warmup.server.replay;

import dev.warmup.server.usage.UsageStatsQuery;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a trace holds (EVALUATION.md §1): users, events, sessions (split at gaps of 30 minutes or more), active
 * user-hours (the sum of session lengths, first to last event) and requests per task.
 */
public record TraceTotals(int users, long events, long sessions, double activeUserHours,
                          Map<String, Long> requests) {

    public static TraceTotals of(Trace trace) {
        long events = 0;
        long sessions = 0;
        long activeMillis = 0;
        long[] perTask = new long[trace.tasks().size()];
        for (UserTrace u : trace.users()) {
            events += u.size();
            sessions += sessions(u);
            activeMillis += activeMillis(u);
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
        return new TraceTotals(trace.users().size(), events, sessions, activeMillis / 3_600_000.0, requests);
    }

    /** A user's sessions: runs of events without a gap of 30 minutes or more. */
    public static long sessions(UserTrace u) {
        long[] t = u.times();
        long sessions = t.length == 0 ? 0 : 1;
        for (int i = 1; i < t.length; i++) {
            if (t[i] - t[i - 1] >= UsageStatsQuery.SESSION_GAP_MILLIS) {
                sessions++;
            }
        }
        return sessions;
    }

    /** A user's active time: the sum of their sessions' lengths, first to last event. */
    public static long activeMillis(UserTrace u) {
        long[] t = u.times();
        if (t.length == 0) {
            return 0;
        }
        long active = 0;
        long start = t[0];
        for (int i = 1; i < t.length; i++) {
            if (t[i] - t[i - 1] >= UsageStatsQuery.SESSION_GAP_MILLIS) {
                active += t[i - 1] - start;
                start = t[i];
            }
        }
        return active + t[t.length - 1] - start;
    }

    public long totalRequests() {
        return requests.values().stream().mapToLong(Long::longValue).sum();
    }
}
