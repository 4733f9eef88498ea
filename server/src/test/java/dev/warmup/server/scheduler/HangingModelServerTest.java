package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.coder;
import static dev.warmup.server.scheduler.WarmingFixture.recentCompletionUse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model server that takes connections and never answers (hung, or its machine swapping) must not hold up the
 * others: the scheduler looks at all model servers at once and waits a few seconds for them in all, not each one's
 * full timeout in turn. And one that answers, but later than that wait, is still seen.
 */
class HangingModelServerTest {
    @TempDir Path dir;

    @Test
    void aHungModelServerDoesNotHoldUpTheLoadsOfAnother() throws Exception {
        // bound and listening, never accepting: the connection is made, the request sent, no answer ever comes
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
            h.initialize("{\"warmupTimeoutSeconds\": 600, \"backends\": {"
                    + "\"hung\": {\"type\": \"ollama\", \"url\": \"http://127.0.0.1:" + hung.getLocalPort() + "\", "
                    + "\"timeoutSeconds\": 600}, "
                    + "\"local\": {\"type\": \"ollama\", \"url\": \"" + ollama.url() + "\"}}, \"models\": ["
                    + "{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500, \"loadSeconds\": 3, "
                    + "\"backend\": \"local\"}, {\"id\": \"big\", \"tasks\": [\"refactoring\"], \"memoryMb\": 1900, "
                    + "\"loadSeconds\": 20, \"backend\": \"hung\"}]}");
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.lookMillis(1_000); // a second, not ten, for the hung server's answer: the test's own time
            // the tick used to wait for the hung server's answer up to warmupTimeoutSeconds, here ten minutes
            scheduler.tick().get(120, TimeUnit.SECONDS);
            assertEquals(1, ollama.loads("coder", 1).get(120, TimeUnit.SECONDS));
            scheduler.tick().get(120, TimeUnit.SECONDS);
            // the hung server is not asked again while the first look waits: its one connection, then the probe's
            List<Socket> accepted = new ArrayList<>(); // kept open: a closed one would be retried
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), hung.getLocalPort())) {
                hung.setSoTimeout(1_000);
                while (true) {
                    accepted.add(hung.accept());
                }
            } catch (SocketTimeoutException drained) {
                assertEquals(2, accepted.size(), "connections made to the hung server");
            } finally {
                for (Socket c : accepted) {
                    c.close();
                }
            }
        }
    }

    @Test
    void aModelServerSlowerThanTheWaitIsStillSeenWhenItAnswers() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            h.initialize(WarmingFixture.settings(ollama.url()));
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.lookMillis(1_000);
            ollama.loadedElsewhere("coder", 1L << 30); // another program's model
            CompletableFuture<Void> held = ollama.holdPs(); // and Ollama slower to list it than the tick waits
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals("unloaded", coder(h).state(), "not answered within the wait: our view stays");
            held.complete(null); // the answer comes, after the tick gave up on it
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(30));
            assertEquals(ModelStatus.OTHER_PROGRAM, coder(h).heldBy(), "seen, without waiting for another tick");
        }
    }

    @Test
    void theModelsOfAModelServerSilentForHalfAMinuteAreShownAsLastSeenAndSince() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = WarmingFixture.startWithCoderWarm(h, ollama);
            scheduler.lookMillis(1_000);
            CompletableFuture<Void> held = ollama.holdPs(); // Ollama hangs: it lists its models no more
            String asked = h.clock.instant().toString();
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertNull(coder(h).unconfirmedSince(), "one look later than the wait is not silence");
            assertEquals(h.clock.millis() + ModelServerSilence.SHOWN_AFTER_MILLIS, scheduler.dueTickAt(),
                    "a tick when the mark is due, not at the next periodic one (up to 40 s later while idle)");
            h.clock.advance(Duration.ofMillis(ModelServerSilence.SHOWN_AFTER_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> asked.equals(lastCoder(l).unconfirmedSince()),
                    Duration.ofSeconds(30)); // the editor hears it
            assertEquals("warm", coder(h).state(), "as last seen");
            held.complete(null); // it answers again: the editor hears at once, without waiting for a tick
            h.client.await(h.client.statuses, l -> lastCoder(l).unconfirmedSince() == null, Duration.ofSeconds(30));
            assertEquals("warm", coder(h).state());
        }
    }

    private static ModelStatus lastCoder(List<WarmupStatus> statuses) {
        return statuses.get(statuses.size() - 1).models().stream().filter(m -> m.id().equals("coder")).findFirst()
                .orElseThrow();
    }
}
