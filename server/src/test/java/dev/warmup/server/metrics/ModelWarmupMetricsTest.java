package dev.warmup.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.warmup.server.MutableClock;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every figure of the metrics report, from what was counted: hand-checkable sums, the warm memory's units. */
class ModelWarmupMetricsTest {
    @TempDir Path dir;

    @Test
    void theReportAddsUpWhatWasCounted() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));
        try (UsageStore store = UsageStore.open(dir.resolve("usage.db"))) {
            ModelWarmupMetrics metrics = new ModelWarmupMetrics(clock, store, new DataDirectory(dir));
            store.append(List.of(UsageEvent.simple(1, EventKind.CHANGE, null, null),
                    UsageEvent.simple(2, EventKind.SAVE, null, null)));
            metrics.eventRecorded(EventKind.CHANGE);
            metrics.eventRecorded(EventKind.CHANGE);
            metrics.eventRecorded(EventKind.MODEL_USED);
            metrics.eventDropped();
            metrics.storeFailed();
            metrics.storeWrite(2_000_000); // 2 ms
            metrics.request(30_000);
            metrics.request(50_000);
            metrics.warmup(ModelWarmupMetrics.Warmup.started);
            metrics.warmup(ModelWarmupMetrics.Warmup.succeeded);
            metrics.hit();
            metrics.hit();
            metrics.miss();
            metrics.increment(ModelWarmupMetrics.Counter.KEEP_ALIVE_RENEWALS);
            metrics.increment(ModelWarmupMetrics.Counter.KEEP_ALIVE_RENEWALS);
            metrics.warmMemoryMb(2048); // 2 GB held for half an hour, then 1 GB for an hour: 2 GB·h
            clock.advance(Duration.ofMinutes(30));
            metrics.warmMemoryMb(1024);
            clock.advance(Duration.ofHours(1));

            JsonObject o = metrics.toJson();
            assertEquals(2, o.get("eventsStored").getAsLong(), o.toString());
            assertEquals(2, o.get("eventsInStore").getAsLong());
            JsonObject recorded = o.getAsJsonObject("eventsRecorded");
            assertEquals(2, recorded.get("change").getAsLong());
            assertEquals(1, recorded.get("model_used").getAsLong());
            assertEquals(3, recorded.get("total").getAsLong());
            assertEquals(1, o.get("eventsDropped").getAsLong());
            assertEquals(1, o.get("storeWriteFailures").getAsLong());
            assertEquals(1, o.getAsJsonObject("storeWriteLatency").get("count").getAsLong());
            assertEquals(2000, o.getAsJsonObject("storeWriteLatency").get("p50Us").getAsDouble(), 2000 * 0.01);
            assertEquals(2, o.getAsJsonObject("requestLatency").get("count").getAsLong());
            assertEquals(1, o.getAsJsonObject("warmups").get("started").getAsLong());
            assertEquals(1, o.getAsJsonObject("warmups").get("succeeded").getAsLong());
            assertEquals(0, o.getAsJsonObject("warmups").get("wasted").getAsLong());
            assertEquals(2, o.get("hits").getAsLong());
            assertEquals(1, o.get("misses").getAsLong());
            assertEquals(2.0, o.get("warmGbHours").getAsDouble(), 1e-9);
            assertEquals(2, o.getAsJsonObject("counters").get("keepAliveRenewals").getAsLong());
            assertEquals(1, o.getAsJsonObject("counters").size(), "a counter appears once it has counted");
            assertEquals(5400.0, o.get("uptimeSeconds").getAsDouble(), 1e-9);
            assertEquals(dir.toString(), o.get("dataDirectory").getAsString());
            assertTrue(o.get("dataDirectoryBytes").getAsLong() > 0, "the store file at least");
        }
    }
}
