package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.startWithCoderWarm;
import static dev.warmup.server.scheduler.WarmingFixture.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.LogCapture;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store fails under a running server (a full or failing disk): which server holds a model can no longer be read
 * or written in the shared record, and the scheduler goes on as last judged, logging each failure with its code.
 */
class FailingStoreWarmingTest {
    @TempDir Path dir;

    @Test
    void aModelOfOursIsStillUnloadedOnceUnwantedAndTheUnreadRecordIsSaid() throws Exception {
        try (LogCapture log = new LogCapture(Ownership.class); FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            h.injector.getInstance(UsageStore.class).close(); // as a disk that fails under the server
            h.clock.advance(Duration.ofHours(2)); // the developer left: the plan no longer wants coder
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> l.get(l.size() - 1).models().stream()
                    .anyMatch(m -> m.id().equals("coder") && m.state().equals("unloaded")), Duration.ofSeconds(30));

            assertFalse(ollama.isLoaded("coder"), "ours as last judged: unloaded");
            assertTrue(log.awaitFirst("WMP-7004", Duration.ofSeconds(30)).contains("who holds coder"), log.messages
                    .toString());
            assertTrue(log.awaitFirst("WMP-7002", Duration.ofSeconds(30)).contains("that coder was unloaded"),
                    log.messages.toString());
            assertEquals("unloaded", state(h, "coder"), "and the server still answers");
        }
    }

    @Test
    void theUnreadRecordIsSaidOnceAMinuteNotAtEveryLook() throws Exception {
        try (LogCapture log = new LogCapture(Ownership.class); FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            h.injector.getInstance(UsageStore.class).close(); // as a disk that fails under the server
            for (int look = 0; look < 6; look++) { // coder wanted and loaded still: judged at each look
                h.clock.advance(Duration.ofSeconds(5));
                scheduler.tick().get(30, TimeUnit.SECONDS);
            }
            assertTrue(ollama.isLoaded("coder"));
            assertEquals(1, log.messages.stream().filter(m -> m.startsWith("WMP-7004") && m.contains("who holds coder"))
                    .count(), "said once, the looks after it at FINE: " + log.messages);
        }
    }
}
