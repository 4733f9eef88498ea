package dev.warmup.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A warm-up waiting in the queue whose prediction is withdrawn is cancelled, and counted as such. */
class WithdrawnPredictionTest {
    @TempDir Path dir;

    private static String settings(String url) {
        return "{\"predictionThreshold\": 0.05, \"maxCpuPercent\": 100, "
                + "\"maxConcurrentLoads\": 1, \"maxMemoryMb\": 8000, "
                + "\"backends\": {\"local\": {\"type\": \"ollama\", \"url\": \"" + url + "\"}}, \"models\": ["
                + "{\"id\": \"a\", \"tasks\": [\"completion\"], \"memoryMb\": 1000, \"loadSeconds\": 3, \"backend\": \"local\"},"
                + "{\"id\": \"b\", \"tasks\": [\"chat\"], \"memoryMb\": 1000, \"loadSeconds\": 3, \"backend\": \"local\"}]}";
    }

    @Test
    void aQueuedWarmupIsCancelledWhenItsPredictionGoes() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            ollama.gate("a");
            ollama.gate("b"); // the first load stays in flight; the other waits in the queue
            List<UsageEvent> events = new ArrayList<>();
            long now = h.clock.millis();
            for (long t = now - 3_600_000; t < now; t += 30_000) {
                events.add(new UsageEvent(t, EventKind.MODEL_USED, null, "completion", null, null, null, 0, 0, -1, -1,
                        50, false));
                events.add(new UsageEvent(t + 1, EventKind.MODEL_USED, null, "chat", null, null, null, 0, 0, -1, -1,
                        50, false));
            }
            h.injector.getInstance(UsageStore.class).append(events);
            h.initialize(settings(ollama.url()));
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(1, counter(h, "started"), "one load in flight, the other queued");

            h.clock.advance(java.time.Duration.ofHours(2)); // the developer left: no request is expected any more
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(1, counter(h, "cancelled"));
            assertEquals(1, counter(h, "started"), "the cancelled warm-up did not start");
            ollama.gate("a").complete(null);
            ollama.gate("b").complete(null);
        }
    }

    private static long counter(ServerHarness h, String name) throws Exception {
        JsonObject metrics = new Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject();
        return metrics.getAsJsonObject("warmups").get(name).getAsLong();
    }
}
