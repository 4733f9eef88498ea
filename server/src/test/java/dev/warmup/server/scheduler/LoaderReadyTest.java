package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.failedLoads;
import static dev.warmup.server.scheduler.WarmingFixture.loadsPlanned;
import static dev.warmup.server.scheduler.WarmingFixture.startWithTheEditorLoading;
import static dev.warmup.server.scheduler.WarmingFixture.warmups;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ModelState;
import dev.warmup.protocol.ModelStateParams;
import dev.warmup.server.lsp.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The editor loads the models, through whatever another extension registers; until one registers, each load fails
 * ("no extension registered a load handler"), and after three the model is tried only every ten minutes. An
 * extension registering a minute later must not wait out those ten minutes: {@code warmup/loaderReady} says the
 * editor can load now.
 */
class LoaderReadyTest {
    @TempDir Path dir;

    @Test
    void aLoadThatFailedForWantOfALoaderGoesAtOnceWhenOneIsRegistered() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = startWithTheEditorLoading(h);
            for (int attempt = 1; attempt <= LoadBackoff.MAX_ATTEMPTS; attempt++) {
                scheduler.tick().get(30, TimeUnit.SECONDS);
                int sent = attempt;
                h.client.await(h.client.loads, l -> l.size() >= sent, Duration.ofSeconds(30));
                h.server.getWarmupService().modelState(new ModelStateParams("coder", ModelState.failed, null, null,
                        "no extension registered a load handler"));
                h.client.await(h.client.statuses, l -> failedLoads(l, "coder") >= sent, Duration.ofSeconds(30));
                scheduler.tick().get(30, TimeUnit.SECONDS); // the failure is handled on the scheduler's thread first
                assertEquals(attempt, h.client.loads.size(), "backing off after failure " + attempt);
                if (attempt < LoadBackoff.MAX_ATTEMPTS) {
                    h.clock.advance(Duration.ofSeconds(30L << (attempt - 1))); // the back-off after it
                }
            }
            assertEquals(LoadBackoff.MAX_ATTEMPTS, h.client.loads.size(), "given up on for ten minutes");
            assertTrue(loadsPlanned(h).contains("coder"), "still wanted: " + loadsPlanned(h));

            h.server.getWarmupService().loaderReady(); // an extension registered its loader; the clock stands still
            h.flush();
            scheduler.tick().get(30, TimeUnit.SECONDS); // (Main's scheduler also ticks at once on it)
            h.client.await(h.client.loads, l -> l.size() > LoadBackoff.MAX_ATTEMPTS, Duration.ofSeconds(30));
            loadedOnce(h, scheduler);
        }
    }

    /**
     * The loader registers while a load it should have carried out is on its way: {@code warmup/loaderReady} reaches
     * the server before that load's failure. The failure is then old news and must not hold the model back 30 s,
     * nor wait for the next periodic tick: the scheduler plans again at once.
     */
    @Test
    void aLoadSentBeforeTheLoaderRegisteredAndFailingAfterIsTriedAgainAtOnce() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = startWithTheEditorLoading(h);
            scheduler.start(3600); // as Main: a tick at once, the next periodic one an hour away
            h.client.await(h.client.loads, l -> l.size() == 1, Duration.ofSeconds(30));

            h.server.getWarmupService().loaderReady(); // registered while the load was on its way
            h.flush();
            h.server.getWarmupService().modelState(new ModelStateParams("coder", ModelState.failed, null, null,
                    "no extension registered a load handler"));
            h.flush(); // the report has reached the server,
            scheduler.unloadPending().get(30, TimeUnit.SECONDS); // its failure been handled on the scheduler's thread,
            scheduler.unloadPending().get(30, TimeUnit.SECONDS); // and then what that queued there
            assertEquals(ModelStates.State.loading, h.injector.getInstance(ModelStates.class).get("coder").state(),
                    "loading again at once, not at a later tick"); // the clock stands still
            h.client.await(h.client.loads, l -> l.size() == 2, Duration.ofSeconds(30));
            loadedOnce(h, scheduler);
        }
    }

    /** The client reports coder loaded: it is warm, and one warm-up succeeded. */
    private static void loadedOnce(ServerHarness h, WarmupScheduler scheduler) throws Exception {
        h.server.getWarmupService().modelState(new ModelStateParams("coder", ModelState.ready, 2_900L, 1500, null));
        h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(30));
        h.flush();
        scheduler.unloadPending().get(30, TimeUnit.SECONDS); // the load's success counted on the scheduler's thread
        assertEquals(1, warmups(h, "succeeded"));
    }

}
