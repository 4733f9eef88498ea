package dev.warmup.server.usage;

import dev.warmup.protocol.DailyUses;
import dev.warmup.protocol.UsageStats;
import dev.warmup.server.store.UsageStore;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes {@link UsageStats} for a model or a task from the stored events: uses are {@code MODEL_USED} events
 * (ground truth reported by clients); sessions are runs of any events split at 30-minute gaps. The uses by day come
 * from the store's daily counts, which retention does not prune.
 */
public final class UsageStatsQuery {
    /** Sessions are split at quiet gaps of this long or more (EVALUATION.md §1 too). */
    public static final long SESSION_GAP_MILLIS = 30 * 60 * 1000L;

    private final UsageStore store;
    private final ZoneId zone;

    public UsageStatsQuery(UsageStore store, ZoneId zone) {
        this.store = store;
        this.zone = zone;
    }

    /**
     * Stats of uses of {@code model} (when not null) or else of {@code task} (null: every task), with the uses in the
     * {@code windowSeconds} before {@code now}; {@code ranking}, when not null, is shown the same events in the same
     * pass over the store, and the tasks it ranks are part of the answer.
     */
    public UsageStats stats(String model, String task, long now, int windowSeconds, PatternQuery.Ranking ranking)
            throws SQLException {
        String key = model != null ? model : task != null ? task : "*";
        long[] hours = new long[24];
        long[] days = new long[7];
        long[] count = {0};
        long[] last = {Long.MIN_VALUE};
        long[] warm = {0};
        long[] reported = {0};
        long[] recent = {0};
        long windowStart = now - windowSeconds * 1000L;
        List<long[]> sessions = new ArrayList<>(); // {start, end, uses}
        store.events(Long.MIN_VALUE, Long.MAX_VALUE, e -> {
            if (ranking != null) {
                ranking.accept(e);
            }
            long[] current = sessions.isEmpty() ? null : sessions.get(sessions.size() - 1);
            if (current == null || e.at() - current[1] >= SESSION_GAP_MILLIS) {
                current = new long[] {e.at(), e.at(), 0};
                sessions.add(current);
            }
            current[1] = e.at();
            if (e.kind() != EventKind.MODEL_USED || !matches(e, model, task)) {
                return;
            }
            current[2]++;
            count[0]++;
            recent[0] += e.at() >= windowStart ? 1 : 0; // a client's clock a little ahead still counts
            last[0] = Math.max(last[0], e.at());
            ZonedDateTime t = Instant.ofEpochMilli(e.at()).atZone(zone);
            hours[t.getHour()]++;
            days[t.getDayOfWeek().getValue() - 1]++;
            if (e.coldStart() != null) {
                reported[0]++;
                if (!e.coldStart()) {
                    warm[0]++;
                }
            }
        });
        double sessionMinutes = sessions.stream().filter(s -> s[2] > 0)
                .mapToDouble(s -> (s[1] - s[0]) / 60_000.0).average().orElse(0.0);
        return new UsageStats(key, count[0], count[0] == 0 ? null : Instant.ofEpochMilli(last[0]).toString(), hours,
                days, Math.round(sessionMinutes * 100) / 100.0, reported[0] == 0 ? null : (double) warm[0] / reported[0],
                recent[0], windowSeconds,
                ranking == null ? null : ranking.result().stream().map(TaskPattern::task).toList(),
                daily(model, task), null, null);
    }

    private List<DailyUses> daily(String model, String task) throws SQLException {
        String column = model != null ? "model" : "task";
        String value = model != null ? model : task;
        if (value != null && value.isEmpty()) { // the counts write '' for a use without one: not a name to ask for
            return List.of();
        }
        return store.query("SELECT day, sum(count) FROM daily_aggregates WHERE kind = ?"
                        + (value == null ? "" : " AND " + column + " = ?") + " GROUP BY day ORDER BY day",
                value == null ? List.of(EventKind.MODEL_USED.name()) : List.of(EventKind.MODEL_USED.name(), value),
                rs -> {
                    List<DailyUses> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new DailyUses(rs.getString(1), rs.getLong(2)));
                    }
                    return out;
                });
    }

    private static boolean matches(UsageEvent e, String model, String task) {
        if (model != null) {
            return model.equals(e.model());
        }
        return task == null || task.equals(e.task());
    }
}
