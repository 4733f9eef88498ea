package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.coder;
import static dev.warmup.server.scheduler.WarmingFixture.failedLoads;
import static dev.warmup.server.scheduler.WarmingFixture.inferred;
import static dev.warmup.server.scheduler.WarmingFixture.loadsPlanned;
import static dev.warmup.server.scheduler.WarmingFixture.pastTheReportWindow;
import static dev.warmup.server.scheduler.WarmingFixture.recentCompletionUse;
import static dev.warmup.server.scheduler.WarmingFixture.settings;
import static dev.warmup.server.scheduler.WarmingFixture.start;
import static dev.warmup.server.scheduler.WarmingFixture.warmups;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.LogCapture;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads that fail: back-off, then after three tries every ten minutes (WMP-3002), at once when the model server
 * answers again or the settings change; and the timeout (WMP-3001).
 */
class LoadFailuresTest {
    @TempDir Path dir;

    @Test
    void aFailingLoadIsRetriedAfterBackOffThenSeldomUntilTheSettingsChange() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir);
             LogCapture logged = new LogCapture(LoadBackoff.class)) {
            ollama.failNext(1000, 400);
            WarmupScheduler scheduler = start(h, ollama);
            failUntilGivenUp(h, scheduler);
            assertTrue(logged.awaitFirst("WMP-3002", Duration.ofSeconds(30)).contains("coder"));
            h.clock.advance(Duration.ofMinutes(2));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertTrue(loadsPlanned(h).contains("coder"), "still wanted");
            assertEquals(LoadBackoff.MAX_ATTEMPTS, warmups(h, "started"), "given up");
            JsonObject changed = JsonParser.parseString(settings(ollama.url())).getAsJsonObject();
            changed.addProperty("maxQueueSize", 50);
            h.changeSettings(changed.toString());
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(LoadBackoff.MAX_ATTEMPTS + 1, warmups(h, "started"), "tried again after the change");
            assertEquals("running", h.status().state());
        }
    }

    @Test
    void aModelGivenUpOnIsTriedAgainEveryTenMinutes() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            ollama.failNext(1000, 400);
            WarmupScheduler scheduler = start(h, ollama);
            failUntilGivenUp(h, scheduler); // the last back-off, 2 minutes, has passed
            ModelStatus failed = coder(h); // what the editor shows: why, and when it is tried next
            assertEquals("failed", failed.state());
            assertTrue(failed.error().startsWith("WMP-8004") && failed.error().contains("400"), failed.error());
            assertEquals(h.clock.instant().plusMillis(LoadBackoff.GIVEN_UP_RETRY_MILLIS - 120_000).toString(),
                    failed.retryAt());
            for (int minute = 3; minute < 10; minute++) { // the developer goes on using completion, served cold
                h.clock.advance(Duration.ofMinutes(1));
                h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 900L, true));
            }
            h.flush();
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(LoadBackoff.MAX_ATTEMPTS, warmups(h, "started"), "not before ten minutes");
            h.clock.advance(Duration.ofMinutes(1));
            assertTrue(loadsPlanned(h).contains("coder"), "still wanted: " + loadsPlanned(h));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(LoadBackoff.MAX_ATTEMPTS + 1, warmups(h, "started"), "tried again");
            h.client.await(h.client.statuses, l -> failedLoads(l, "coder") > LoadBackoff.MAX_ATTEMPTS,
                    Duration.ofSeconds(30));
            ollama.failNext(0, 400); // fixed: the next try, ten minutes on, warms it
            for (int minute = 0; minute < 10; minute++) {
                h.clock.advance(Duration.ofMinutes(1));
                h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 900L, true));
            }
            h.flush();
            scheduler.tick().get(30, TimeUnit.SECONDS);
            ollama.loads("coder", 1).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aModelServerStartedAfterTheEditorGetsItsModelsWarmedOnceItAnswers() throws Exception {
        int port = FakeOllamaServer.freePort(); // Ollama not started yet
        try (ServerHarness h = new ServerHarness(dir)) {
            h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
            h.initialize(settings("http://127.0.0.1:" + port));
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            failUntilGivenUp(h, scheduler);
            try (FakeOllamaServer ollama = new FakeOllamaServer(port)) { // started now
                scheduler.tick().get(30, TimeUnit.SECONDS); // it answers the look, and the load follows
                assertEquals(1, ollama.loads("coder", 1).get(30, TimeUnit.SECONDS));
                h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(30));
                assertEquals(null, coder(h).error(), "warm: no error shown any more");
                assertEquals(null, coder(h).retryAt());
            }
        }
    }

    /**
     * Ticks through {@link BackendActions#MAX_ATTEMPTS} failed loads of coder, checking the back-off between them
     * (30 s, then 60 s), and lets the last back-off pass.
     */
    private static void failUntilGivenUp(ServerHarness h, WarmupScheduler scheduler) throws Exception {
        for (int attempt = 1; attempt <= LoadBackoff.MAX_ATTEMPTS; attempt++) {
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(attempt, warmups(h, "started"), "attempt " + attempt);
            int failures = attempt;
            h.client.await(h.client.statuses, l -> failedLoads(l, "coder") >= failures, Duration.ofSeconds(30));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(attempt, warmups(h, "started"), "backing off after failure " + attempt);
            h.clock.advance(Duration.ofSeconds(30L << (attempt - 1)));
        }
    }

    @Test
    void aLoadPastTheTimeoutIsAbandonedWithWmp3001() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir);
             LogCapture logged = new LogCapture(LoadBackoff.class)) {
            ollama.keepAliveOn(h.clock);
            CompletableFuture<Void> gate = abandonLoadOfCoder(ollama, h);
            assertTrue(logged.awaitFirst("WMP-3001", Duration.ofSeconds(30)).contains("coder did not load within 1 s"));
            assertEquals(1, warmups(h, "timedOut"));
            gate.complete(null); // Ollama finishes the load after all: kept 30 minutes from now, as our load asked
            ollama.loads("coder", 1).get(30, TimeUnit.SECONDS);
            h.clock.advance(Duration.ofSeconds(5));
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            pastTheReportWindow(h, scheduler);
            ModelStatus coder = coder(h);
            assertEquals("warm", coder.state());
            assertEquals(null, coder.heldBy(), "our load, finished late: ours, not another program's");
            assertEquals(List.of(), inferred(h), "not someone's request");
        }
    }

    @Test
    void ourAbandonedLoadThatOllamaGoesOnLoadingIsNoUseThoughItsExpiryMovesAtEachLook() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            ollama.keepAliveOn(h.clock);
            CompletableFuture<Void> gate = abandonLoadOfCoder(ollama, h);
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            for (int look = 0; look < 3; look++) { // each look: coder loading, expiring 30 minutes from now
                h.clock.advance(Duration.ofSeconds(10));
                scheduler.tick().get(30, TimeUnit.SECONDS);
            }
            pastTheReportWindow(h, scheduler);
            gate.complete(null);
            ollama.loads("coder", 1).get(30, TimeUnit.SECONDS);
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            pastTheReportWindow(h, scheduler);
            assertEquals(List.of(), inferred(h), "our load, finished late, is nobody's request");
            assertEquals(null, coder(h).heldBy(), "ours");
        }
    }

    @Test
    void aModelAnotherProgramLoadsAfterOurLoadWasAbandonedIsThatProgramsNotOurLateLoad() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            ollama.keepAliveOn(h.clock);
            abandonLoadOfCoder(ollama, h); // and Ollama never finishes it
            h.clock.advance(Duration.ofSeconds(5));
            ollama.loadedElsewhere("coder", 1L << 30); // another program's request: Ollama's 5-minute keep-alive
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            pastTheReportWindow(h, scheduler);
            assertEquals(ModelStatus.OTHER_PROGRAM, coder(h).heldBy(), "left to the program that loaded it");
            assertEquals(1, inferred(h).size(), "its request learnt: " + inferred(h));
        }
    }

    /**
     * {@link #startWantingCoder}, then lets its load of coder time out at a gate that the returned future opens; the
     * scheduler has then looked once more, finding coder not loaded.
     */
    private static CompletableFuture<Void> abandonLoadOfCoder(FakeOllamaServer ollama, ServerHarness h)
            throws Exception {
        CompletableFuture<Void> gate = ollama.gate("coder");
        WarmupScheduler scheduler = startWantingCoder(ollama, h);
        scheduler.tick().get(30, TimeUnit.SECONDS);
        h.client.await(h.client.statuses, l -> failedLoads(l, "coder") == 1, Duration.ofSeconds(30));
        scheduler.tick().get(30, TimeUnit.SECONDS); // backing off; reconciles: coder listed, still loading
        return gate;
    }

    /** Starts the server with a 1 s load timeout and a recent use of coder, which it will want warm. */
    private static WarmupScheduler startWantingCoder(FakeOllamaServer ollama, ServerHarness h) throws Exception {
        h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
        JsonObject s = JsonParser.parseString(settings(ollama.url())).getAsJsonObject();
        s.addProperty("warmupTimeoutSeconds", 1);
        h.initialize(s.toString());
        h.startPrediction();
        return h.injector.getInstance(WarmupScheduler.class);
    }

    @Test
    void aRenewalThatTimesOutAndLandsLaterIsNotSomeoneElsesRequest() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = startWantingCoder(ollama, h);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(30));
            ollama.expires("coder", h.clock.instant().plusSeconds(60).toString()); // its keep-alive ends soon
            CompletableFuture<Void> gate = ollama.gate("coder"); // and Ollama is slow to answer the renewal
            try (LogCapture logged = new LogCapture(BackendActions.class)) {
                scheduler.tick().get(30, TimeUnit.SECONDS);
                logged.awaitFirst("WMP-3001 Warm-up timed out and was abandoned: renewing coder on its model server:"
                        + " no answer within 1 s", Duration.ofSeconds(30));
            }
            gate.complete(null); // the renewal lands after all: the keep-alive moves
            ollama.loads("coder", 2).get(30, TimeUnit.SECONDS);
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            pastTheReportWindow(h, scheduler);
            assertEquals(null, coder(h).heldBy(), "still ours");
            assertEquals(List.of(), inferred(h), "our own renewal, not a request");
        }
    }
}
