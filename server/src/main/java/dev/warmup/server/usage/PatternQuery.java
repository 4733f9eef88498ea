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
import java.util.function.Consumer;

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
        Ranking ranking = ranking(now, windowMillis);
        store.events(Long.MIN_VALUE, now + 1, ranking);
        return ranking.result();
    }

    /** A ranking as of {@code now} to be shown the stored events, in one pass shared with another reading. */
    public Ranking ranking(long now, long windowMillis) {
        return new Ranking(now, windowMillis, zone);
    }

    /** Accumulates the ranking from the events it is shown; events after {@code now} do not count. */
    public static final class Ranking implements Consumer<UsageEvent> {
        private final Map<String, double[]> acc = new LinkedHashMap<>(); // uses, last, hourHits, dayHits, recency
        private final long now;
        private final long windowMillis;
        private final ZoneId zone;
        private final ZonedDateTime z;

        private Ranking(long now, long windowMillis, ZoneId zone) {
            this.now = now;
            this.windowMillis = windowMillis;
            this.zone = zone;
            this.z = Instant.ofEpochMilli(now).atZone(zone);
        }

        @Override
        public void accept(UsageEvent e) {
            if (e.task() == null || e.at() > now) {
                return;
            }
            double[] a = acc.computeIfAbsent(e.task(), k -> new double[] {0, Long.MIN_VALUE, 0, 0, 0});
            ZonedDateTime t = Instant.ofEpochMilli(e.at()).atZone(zone);
            a[0]++;
            a[1] = Math.max(a[1], e.at());
            a[2] += t.getHour() == z.getHour() ? 1 : 0;
            a[3] += t.getDayOfWeek() == z.getDayOfWeek() ? 1 : 0;
            a[4] += Math.exp(-(double) (now - e.at()) / windowMillis);
        }

        /** The tasks seen so far, best first. */
        public List<TaskPattern> result() {
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
}
