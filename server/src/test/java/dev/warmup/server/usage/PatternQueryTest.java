package dev.warmup.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.store.UsageStore;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fallback ranking from a real SQLite history. */
class PatternQueryTest {
    @TempDir Path dir;

    private static UsageEvent use(long at, String task) {
        return new UsageEvent(at, EventKind.MODEL_USED, null, task, task, null, null, 0, 0, -1, -1, 10, false);
    }

    @Test
    void recentAndFrequentUseRanksFirst() throws Exception {
        long hour = 3_600_000L;
        long now = 100 * 24 * hour + 10 * hour + 45 * 60_000L; // 10:45 UTC
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            events.add(use(now - 30 * 24 * hour - i * 60_000, "chat")); // much used, a month ago
        }
        for (int i = 0; i < 5; i++) {
            events.add(use(now - i * 600_000L - 60_000, "completion")); // a little, just now
        }
        events.add(UsageEvent.simple(now - 1000, EventKind.CHANGE, null, null)); // not a request
        try (UsageStore store = UsageStore.open(dir.resolve("u.db"))) {
            store.append(events);
            List<TaskPattern> ranked = new PatternQuery(store, ZoneOffset.UTC).rank(now, hour);
            assertEquals(List.of("completion", "chat"), ranked.stream().map(TaskPattern::task).toList());
            assertEquals(50, ranked.get(1).uses());
            assertEquals(1.0, ranked.get(0).hourShare(), 1e-9); // all five uses fell in this hour of the day
        }
    }
}
