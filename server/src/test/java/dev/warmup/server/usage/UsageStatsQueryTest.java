package dev.warmup.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.protocol.DailyUses;
import dev.warmup.protocol.UsageStats;
import dev.warmup.server.store.UsageStore;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uses by day outlive the raw events that retention prunes; the other figures are of the events kept. */
class UsageStatsQueryTest {
    private static final long MARCH_2 = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();
    private static final long MARCH_5 = Instant.parse("2026-03-05T23:30:00Z").toEpochMilli();

    @TempDir Path dir;

    private static UsageEvent use(long at, String task, String model) {
        return new UsageEvent(at, EventKind.MODEL_USED, null, task, model, null, null, 0, 0, -1, -1, -1, false);
    }

    @Test
    void usesByDayOutliveTheEventsRetentionPrunes() throws Exception {
        try (UsageStore store = UsageStore.open(dir.resolve("usage.db"), ZoneOffset.UTC)) {
            store.append(List.of(use(MARCH_2, "completion", "coder"), use(MARCH_2 + 60_000, "chat", "llama"),
                    use(MARCH_2 + 120_000, "completion", "coder"), use(MARCH_5, "completion", "coder"),
                    UsageEvent.simple(MARCH_5, EventKind.SAVE, null, null)));
            assertEquals(3, store.prune(MARCH_5));
            UsageStatsQuery query = new UsageStatsQuery(store, ZoneOffset.UTC);

            UsageStats coder = query.stats("coder", null, MARCH_5, 3600, null);
            assertEquals(1, coder.count(), "of the events kept");
            assertEquals(List.of(new DailyUses("2026-03-02", 2), new DailyUses("2026-03-05", 1)), coder.daily());
            assertEquals(List.of(new DailyUses("2026-03-02", 1)),
                    query.stats(null, "chat", MARCH_5, 3600, null).daily());
            assertEquals(List.of(new DailyUses("2026-03-02", 3), new DailyUses("2026-03-05", 1)),
                    query.stats(null, null, MARCH_5, 3600, null).daily(), "every use, not the save");
            assertEquals(List.of(), query.stats("nobody", null, MARCH_5, 3600, null).daily());
            store.append(List.of(use(MARCH_5, null, "coder"))); // a use without a task: counted under ''
            assertEquals(List.of(), query.stats(null, "", MARCH_5, 3600, null).daily(), "'' names no task");
            assertEquals(0, query.stats(null, "", MARCH_5, 3600, null).count(), "as the events say");
        }
    }

    @Test
    void usesAreCountedByTheDaysOfTheStoresTimeZone() throws Exception {
        try (UsageStore store = UsageStore.open(dir.resolve("usage.db"), ZoneId.of("Etc/GMT-14"))) { // UTC+14
            store.append(List.of(use(MARCH_2, "completion", "coder"), use(MARCH_5, "completion", "coder")));
            assertEquals(List.of(new DailyUses("2026-03-02", 1), new DailyUses("2026-03-06", 1)),
                    new UsageStatsQuery(store, ZoneId.of("Etc/GMT-14")).stats("coder", null, MARCH_5, 3600, null)
                            .daily(), "23:30 UTC on March 5 is 13:30 on March 6 there");
        }
    }
}
