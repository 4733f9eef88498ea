package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.recentCompletionUse;
import static dev.warmup.server.scheduler.WarmingFixture.settings;
import static dev.warmup.server.scheduler.WarmingFixture.warm;
import static dev.warmup.server.scheduler.WarmingFixture.warmups;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.protocol.ModelStatus;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pausing warming stops what is queued too, not only what the next plan would queue. */
class PausedWarmingTest {
    @TempDir Path dir;

    @Test
    void aWarmUpQueuedWhenWarmingIsPausedDoesNotStart() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            List<UsageEvent> uses = new ArrayList<>();
            for (UsageEvent e : recentCompletionUse(h.clock.millis())) { // completion goes to both models, in turn
                uses.add(e.model() != null && (e.at() / 30_000) % 2 == 0 ? new UsageEvent(e.at(), e.kind(), null,
                        e.task(), "big", null, null, 0, 0, -1, -1, 50, false) : e);
            }
            h.injector.getInstance(UsageStore.class).append(uses);
            JsonObject s = JsonParser.parseString(settings(ollama.url())).getAsJsonObject();
            s.addProperty("maxMemoryMb", 4096); // room for both, loaded one at a time (maxConcurrentLoads 1)
            s.getAsJsonArray("models").get(1).getAsJsonObject().add("tasks", JsonParser.parseString("[\"completion\"]"));
            var coderGate = ollama.gate("coder");
            var bigGate = ollama.gate("big");
            h.initialize(s.toString());
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.tick().get(30, TimeUnit.SECONDS); // one loads, the other waits in the queue
            assertEquals(1, warmups(h, "started"));
            String loading = state(h, "coder").equals("loading") ? "coder" : "big";
            h.command("warmup.pause");
            (loading.equals("coder") ? coderGate : bigGate).complete(null);
            h.client.await(h.client.statuses, l -> warm(l, loading), Duration.ofSeconds(30));
            scheduler.tick().get(30, TimeUnit.SECONDS); // after the load's end has been handled, and a tick
            String waiting = loading.equals("coder") ? "big" : "coder";
            assertEquals("unloaded", state(h, waiting), "paused, yet the queued warm-up started");
            assertEquals(1, warmups(h, "started"));
            coderGate.complete(null);
            bigGate.complete(null);
        }
    }

    private static String state(ServerHarness h, String model) throws Exception {
        return h.server.getWarmupService().status().get(10, TimeUnit.SECONDS).models().stream()
                .filter(m -> m.id().equals(model)).map(ModelStatus::state).findFirst().orElseThrow();
    }
}
