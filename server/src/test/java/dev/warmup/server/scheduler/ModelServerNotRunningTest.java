package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.coder;
import static dev.warmup.server.scheduler.WarmingFixture.settings;
import static dev.warmup.server.scheduler.WarmingFixture.startWithCoderWarm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.LogCapture;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model server that is not running (its connection refused) has nothing loaded: a model taken for warm there is
 * not, whether the editor reported using it or we loaded it before the server stopped; and one of ours that went with
 * it is warmed again as soon as the server runs again, not held off as if the server had unloaded it to make room.
 */
class ModelServerNotRunningTest {
    @TempDir Path dir;

    @Test
    void aModelTheEditorReportsUsingIsNotTakenForWarmOnAModelServerThatIsNotRunning() throws Exception {
        int port = FakeOllamaServer.freePort(); // nothing listens there
        try (ServerHarness h = new ServerHarness(dir); LogCapture logged = new LogCapture(ModelServerLooks.class)) {
            h.initialize(settings("http://127.0.0.1:" + port));
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 900L, true));
            h.flush();
            assertEquals("warm", coder(h).state(), "a use reported: loaded somewhere, for all we know yet");
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertNotEquals("warm", coder(h).state(), "its model server is not running");
            String said = logged.awaitFirst("model server local is not running", Duration.ofSeconds(30));
            assertTrue(said.contains("connection refused"), said);
            // the plan's load of coder, sent to the closed port, fails: settled before the next report, which it
            // would otherwise overwrite when it ends after it
            h.client.await(h.client.statuses, l -> WarmingFixture.failedLoads(l, "coder") >= 1, Duration.ofSeconds(30));

            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 900L, true));
            h.flush();
            assertEquals("warm", coder(h).state());
            scheduler.tick().get(30, TimeUnit.SECONDS); // the circuit breaker pauses the calls: not asked, still down
            assertNotEquals("warm", coder(h).state(), "still not running");
        }
    }

    @Test
    void ourModelGoneWithItsStoppedModelServerIsWarmedAgainOnceItRunsAgain() throws Exception {
        int port = FakeOllamaServer.freePort();
        try (ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler;
            try (FakeOllamaServer ollama = new FakeOllamaServer(port)) {
                scheduler = startWithCoderWarm(h, ollama);
            } // Ollama stops, and its models with it
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertNotEquals("warm", coder(h).state(), "gone with its model server");
            h.clock.advance(Duration.ofMinutes(1)); // the circuit breaker lets a call through again
            try (FakeOllamaServer ollama = new FakeOllamaServer(port)) { // started again, nothing loaded
                scheduler.tick().get(30, TimeUnit.SECONDS);
                assertEquals(1, ollama.loads("coder", 1).get(30, TimeUnit.SECONDS), "warmed again, not held off");
                assertEquals(null, coder(h).retryAt());
            }
        }
    }
}
