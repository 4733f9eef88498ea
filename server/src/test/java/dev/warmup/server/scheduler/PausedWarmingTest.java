package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.startWithBothWanted;
import static dev.warmup.server.scheduler.WarmingFixture.state;
import static dev.warmup.server.scheduler.WarmingFixture.theOneLoading;
import static dev.warmup.server.scheduler.WarmingFixture.theOther;
import static dev.warmup.server.scheduler.WarmingFixture.warm;
import static dev.warmup.server.scheduler.WarmingFixture.warmups;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pausing warming stops what is queued too, not only what the next plan would queue. */
class PausedWarmingTest {
    @TempDir Path dir;

    @Test
    void aWarmUpQueuedWhenWarmingIsPausedDoesNotStart() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            var coderGate = ollama.gate("coder");
            var bigGate = ollama.gate("big");
            WarmupScheduler scheduler = startWithBothWanted(h, ollama, new JsonObject());
            scheduler.tick().get(30, TimeUnit.SECONDS); // one loads, the other waits in the queue
            assertEquals(1, warmups(h, "started"));
            String loading = theOneLoading(h);
            h.command("warmup.pause");
            (loading.equals("coder") ? coderGate : bigGate).complete(null);
            h.client.await(h.client.statuses, l -> warm(l, loading), Duration.ofSeconds(30));
            scheduler.tick().get(30, TimeUnit.SECONDS); // after the load's end has been handled, and a tick
            String waiting = theOther(loading);
            assertEquals("unloaded", state(h, waiting), "paused, yet the queued warm-up started");
            assertEquals(1, warmups(h, "started"));
            coderGate.complete(null);
            bigGate.complete(null);
        }
    }
}
