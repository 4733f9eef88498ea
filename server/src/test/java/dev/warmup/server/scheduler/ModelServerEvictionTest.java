package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.loadsPlanned;
import static dev.warmup.server.scheduler.WarmingFixture.startWithCoderWarm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model the model server unloads by itself (Ollama making room for a model the developer asked for, a person
 * running {@code ollama stop}) is not warmed straight back: that would evict the model the developer is using, or
 * undo what a person did. It is left alone for a while.
 */
class ModelServerEvictionTest {
    @TempDir Path dir;

    @Test
    void aModelTheModelServerUnloadedByItselfIsNotWarmedStraightBack() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            assertEquals(1, ollama.loads("coder", 1).get(30, TimeUnit.SECONDS));
            ollama.evict("coder");
            scheduler.tick().get(30, TimeUnit.SECONDS); // sees it gone
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(1, WarmingFixture.warmups(h, "started"), "not loaded straight back");
            assertFalse(ollama.isLoaded("coder"));
            assertTrue(loadsPlanned(h).contains("coder"), "though the plan still wants it: " + loadsPlanned(h));
            ModelStatus shown = h.status().models().get(0);
            assertEquals("unloaded", shown.state());
            assertEquals(h.clock.instant().plusMillis(LoadBackoff.EVICTED_HOLD_OFF_MILLIS).toString(), shown.retryAt(),
                    "the editor shows until when it is left alone");
            assertEquals(null, shown.error());
            assertEquals(null, shown.unloadReason(), "not ours: no reason of ours");

            h.clock.advance(Duration.ofMillis(LoadBackoff.EVICTED_HOLD_OFF_MILLIS));
            assertTrue(loadsPlanned(h).contains("coder"), "still wanted: " + loadsPlanned(h));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(2, ollama.loads("coder", 2).get(30, TimeUnit.SECONDS), "warmed again after it");

            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l.subList(l.size() - 1, l.size()), "coder"),
                    Duration.ofSeconds(30)); // the load has ended: warm again
            ollama.evict("coder"); // and unloaded again: the model server keeps making room
            scheduler.tick().get(30, TimeUnit.SECONDS);
            for (int minute = 1; minute <= 10; minute++) { // the developer goes on using completion
                h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 900L, true));
                h.flush();
                h.clock.advance(Duration.ofMinutes(1));
                scheduler.tick().get(30, TimeUnit.SECONDS);
                assertEquals(minute < 10 ? 2 : 3, WarmingFixture.warmups(h, "started"),
                        "held off twice as long the second time; minute " + minute);
            }
        }
    }
}
