package dev.warmup.server.usage;

import dev.warmup.server.store.UsageStore;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranks tasks from the stored requests by recency, frequency, hour of day and day of week, with an exponential
 * recency decay: the fallback ranking behind {@code UsagePatternAnalyzer.analyzePatterns}.
 */
public final class PatternQuery {
    private final UsageStore store;
    private final ZoneId zone;

    public PatternQuery(UsageStore store, ZoneId zone) {
        this.store = store;
        this.zone = zone;
    }

    public List<TaskPattern> rank(long now, long windowMillis) throws SQLException {
        Map<String, double[]> acc = new LinkedHashMap<>(); // uses, last, hourHits, dayHits, recency
        ZonedDateTime z = Instant.ofEpochMilli(now).atZone(zone);
        store.events(Long.MIN_VALUE, now + 1, e -> { // up to now, included
            if (e.task() == null) {
                return;
            }
            double[] a = acc.computeIfAbsent(e.task(), k -> new double[] {0, Long.MIN_VALUE, 0, 0, 0});
            ZonedDateTime t = Instant.ofEpochMilli(e.at()).atZone(zone);
            a[0]++;
            a[1] = Math.max(a[1], e.at());
            a[2] += t.getHour() == z.getHour() ? 1 : 0;
            a[3] += t.getDayOfWeek() == z.getDayOfWeek() ? 1 : 0;
            a[4] += Math.exp(-(double) (now - e.at()) / windowMillis);
        });
        List<TaskPattern> out = new ArrayList<>();
        acc.forEach((task, a) -> {
            double hour = a[2] / a[0];
            double day = a[3] / a[0];
            out.add(new TaskPattern(task, (long) a[0], (long) a[1], hour, day, a[4], a[4] * (1 + hour + day)));
        });
        out.sort(Comparator.comparingDouble(TaskPattern::score).reversed());
        return out;
    }
}
