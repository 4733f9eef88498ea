package dev.warmup.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.warmup.server.MutableClock;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreMaintenanceTest {
    @TempDir Path dir;

    @Test
    void prunesEventsAndSnapshotsBeyondHistoryDaysAndSnapshotsMetrics() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        DataDirectory data = new DataDirectory(dir);
        try (UsageStore store = UsageStore.open(data.resolve("usage.db"))) {
            long old = clock.millis();
            store.append(List.of(UsageEvent.simple(old, EventKind.SAVE, null, null)));
            clock.advance(Duration.ofDays(10));
            store.append(List.of(UsageEvent.simple(clock.millis(), EventKind.SAVE, null, null)));
            ConfigurationManager config = new ConfigurationManager();
            config.apply(JsonParser.parseString("{\"historyDays\": 7}"));
            store.saveMetricsSnapshot(old, "{}");
            var maintenance = new StoreMaintenance(store, config, new ModelWarmupMetrics(clock, store, data), clock);
            assertEquals(1, maintenance.runOnce());
            assertEquals(1L, (long) store.query("SELECT count(*) FROM metrics_snapshots", List.of(),
                    rs -> rs.getLong(1)), "the snapshot older than historyDays went too");
            assertEquals(1, store.eventCount());
            assertEquals(2, store.eventsStoredTotal());
            assertTrue(store.latestMetricsSnapshot().orElseThrow().contains("\"eventsStored\":2"));
        }
    }
}
