package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.inferred;
import static dev.warmup.server.scheduler.WarmingFixture.pastTheReportWindow;
import static dev.warmup.server.scheduler.WarmingFixture.recentCompletionUse;
import static dev.warmup.server.scheduler.WarmingFixture.start;
import static dev.warmup.server.scheduler.WarmingFixture.startWithCoderWarm;
import static dev.warmup.server.scheduler.WarmingFixture.warm;
import static dev.warmup.server.scheduler.WarmingFixture.warmups;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.LoadParams;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.ModelState;
import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.ModelStateParams;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.backend.fake.FakeLlamaServer;
import dev.warmup.server.backend.fake.FakeLlamaSwapServer;
import dev.warmup.server.backend.fake.FakeLmStudioServer;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.performance.PerformancePredictor;
import dev.warmup.server.store.UsageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.MessageParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What model servers and editors report shapes the accounting: sizes from {@code /api/ps}, Ollama's keep-alive
 * (renewed for kept models), servers that cannot unload, models outside the catalogue, and the editor's own loads.
 */
class ModelServerReportsTest {
    @TempDir Path dir;

    @Test
    void theSizeTheModelServerReportsReplacesTheCataloguesInTheAccounting() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            ollama.size("coder", 1200L * 1024 * 1024); // the catalogue says 1500 MB
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            scheduler.tick().get(30, TimeUnit.SECONDS); // reconciliation reads /api/ps
            assertEquals(1200, h.status().memoryUsedMb());
            ModelSpec coder = h.injector.getInstance(ConfigurationManager.class).current().models().get(0);
            assertEquals(1200, h.injector.getInstance(PerformancePredictor.class).memoryMb(coder),
                    "and the plan packs that size");
        }
    }

    @Test
    void aKeptModelIsRenewedBeforeItsModelServersKeepAliveRunsOut() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            // the editor's own request set Ollama's keep-alive to its default: a minute is left of it
            ollama.expires("coder", h.clock.instant().plusSeconds(60).toString());
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(2, ollama.loads("coder", 2).get(30, TimeUnit.SECONDS), "the load asked again");
            assertTrue(ollama.isLoaded("coder"));
            assertEquals(1, warmups(h, "started"), "a renewal is not a warm-up");
        }
    }

    @Test
    void aModelItsServerCannotUnloadStaysWarmInsteadOfFlippingEveryTick() throws Exception {
        try (FakeLlamaServer openai = new FakeLlamaServer("coder"); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = WarmingFixture.startWithCoderOn(h, "openai", openai.url());
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
            h.clock.advance(Duration.ofHours(2)); // the developer left: the plan no longer wants coder
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.flush();
            List<WarmupStatus> seen = List.copyOf(h.client.statuses);
            int firstWarm = 0;
            while (!warm(List.of(seen.get(firstWarm)), "coder")) {
                firstWarm++;
            }
            assertTrue(seen.subList(firstWarm, seen.size()).stream().allMatch(st -> warm(List.of(st), "coder")),
                    "once warm, never shown otherwise");
            assertEquals(0, warmups(h, "wasted"));
            assertTrue(h.server.getWarmupService().predict(new PredictParams(300, null)).get(10, TimeUnit.SECONDS)
                    .schedule().tasks().stream().noneMatch(t -> t.action().equals("unload")), "nor planned away");
        }
    }

    @Test
    void lmStudioWarmsThroughItsOwnApiWhereModelsOnDiskAreNotTakenForLoaded() throws Exception {
        try (FakeLmStudioServer lms = new FakeLmStudioServer("coder", "chat-7b"); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = startCoderAndChatOn(h, "lmstudio", lms.url());
            assertEquals(List.of("coder"), lms.instances("coder"));
            scheduler.tick().get(30, TimeUnit.SECONDS); // reconciles with LM Studio's list
            WarmupStatus status = h.status();
            assertTrue(status.models().stream().noneMatch(m -> m.id().equals("chat-7b") && m.state().equals("warm")),
                    "on disk is not loaded: " + status);
            leaveUntilCoderIsUnloaded(h, scheduler); // the developer left
            assertEquals(List.of(), lms.instances("coder"));
        }
    }

    @Test
    void llamaSwapWarmsThroughTheUpstreamAndRequestsOfOtherProgramsAreUses() throws Exception {
        try (FakeLlamaSwapServer swap = new FakeLlamaSwapServer("coder", "chat-7b");
             ServerHarness h = new ServerHarness(dir)) {
            swap.ttl("coder", 60); // llama-swap stops it a minute after its last request
            WarmupScheduler scheduler = startCoderAndChatOn(h, "llamaswap", swap.url());
            assertTrue(swap.isRunning("coder"));
            scheduler.tick().get(30, TimeUnit.SECONDS); // reconciles: coder's ttl ends soon, chat-7b is not running
            assertEquals(2, swap.healthChecks("coder", 2).get(30, TimeUnit.SECONDS), "renewed within its ttl");

            swap.ttl("coder", 0); // from now on llama-swap keeps it until told (no renewals, which would claim it)
            // an extension that does not report to us asks llama-swap for coder, running: only its log tells
            swap.requestedElsewhere("coder");
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            pastTheReportWindow(h, scheduler); // coder's uses are reported here, so a report was given its minute
            assertEquals(List.of("coder completion"), inferred(h).stream().map(e -> e.model() + " " + e.task())
                    .toList());
            assertEquals(null, heldBy(h, "coder"), "no keep-alive of its own: still the plan's to unload");

            swap.startedElsewhere("chat-7b"); // and starts chat-7b: a load of someone else's
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.flush();
            assertEquals(List.of("coder completion", "chat-7b chat"), inferred(h).stream()
                    .map(e -> e.model() + " " + e.task()).toList());
            assertEquals(ModelStatus.OTHER_PROGRAM, heldBy(h, "chat-7b"));

            leaveUntilCoderIsUnloaded(h, scheduler); // the developer left: coder goes, chat-7b stays its starter's
            assertFalse(swap.isRunning("coder"));
            assertTrue(swap.isRunning("chat-7b"));
        }
    }

    /**
     * A server with an hour of completion use behind it and two models, {@code coder} (completion) and
     * {@code chat-7b} (chat), on one backend of {@code type} at {@code url}; ticked until coder is warm.
     */
    private static WarmupScheduler startCoderAndChatOn(ServerHarness h, String type, String url) throws Exception {
        h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
        h.initialize("{\"backends\": {\"local\": {\"type\": \"" + type + "\", \"url\": \"" + url + "\"}}, "
                + "\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500, "
                + "\"loadSeconds\": 3, \"backend\": \"local\"}, {\"id\": \"chat-7b\", \"tasks\": [\"chat\"], "
                + "\"memoryMb\": 400, \"backend\": \"local\"}]}");
        h.startPrediction();
        WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
        scheduler.tick().get(30, TimeUnit.SECONDS);
        h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
        return scheduler;
    }

    /** Two hours pass without use and the unload grace after them; waits until the editor is told coder unloaded. */
    private static void leaveUntilCoderIsUnloaded(ServerHarness h, WarmupScheduler scheduler) throws Exception {
        h.clock.advance(Duration.ofHours(2));
        scheduler.tick().get(30, TimeUnit.SECONDS);
        h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS));
        scheduler.tick().get(30, TimeUnit.SECONDS);
        h.client.await(h.client.statuses, l -> l.get(l.size() - 1).models().stream()
                .anyMatch(m -> m.id().equals("coder") && m.state().equals("unloaded")), Duration.ofSeconds(30));
    }

    private static String heldBy(ServerHarness h, String model) throws Exception {
        return h.status().models().stream()
                .filter(m -> m.id().equals(model)).findFirst().orElseThrow().heldBy();
    }

    @Test
    void modelsOutsideTheCatalogueTakeNoWarmSlotAndAreNamedOnceWithWmp3003() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = start(h, ollama);
            for (int i = 0; i < 6; i++) { // an AI extension also uses remote models we know nothing of
                h.server.getWarmupService().modelUsed(new ModelUsedParams("remote-" + i % 3, "chat", null, 40L,
                        false));
            }
            h.server.getWarmupService().modelState(new ModelStateParams("remote-0", ModelState.ready, null, 4000, null));
            h.flush();
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
            WarmupStatus status = h.status();
            assertEquals(1500, status.memoryUsedMb(), "only coder holds memory");
            assertEquals(1, status.warmModels(), "only coder counts toward maxWarmModels");
            List<String> named = h.client.logged.stream().map(MessageParams::getMessage)
                    .filter(m -> m.startsWith("WMP-3003")).toList();
            assertEquals(3, named.size(), "once per model: " + named);
            assertTrue(named.get(0).contains("remote-0"), named.get(0));
            long chatUses = h.injector.getInstance(UsageStore.class).allEvents().stream()
                    .filter(e -> "chat".equals(e.task())).count();
            assertEquals(6, chatUses, "their uses still count for their task");
            for (int i = 0; i < 150; i++) { // one new name per request: named for the first hundred models only
                h.server.getWarmupService().modelUsed(new ModelUsedParams("remote-x" + i, "chat", null, 40L, false));
            }
            h.flush();
            assertEquals(100, h.client.logged.stream().filter(m -> m.getMessage().startsWith("WMP-3003")).count());
        }
    }

    @Test
    void aUseReportedUnderOllamasNameForACatalogueModelCountsForIt() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            start(h, ollama); // the catalogue says coder; Ollama, and an extension that asks it, say coder:latest
            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder:latest", null, null, 40L, false));
            h.flush();
            assertTrue(h.client.logged.stream().noneMatch(m -> m.getMessage().startsWith("WMP-3003")),
                    "not taken for a model outside the catalogue: " + h.client.logged);
            var last = h.injector.getInstance(UsageStore.class).allEvents().get(
                    h.injector.getInstance(UsageStore.class).allEvents().size() - 1);
            assertEquals("coder", last.model(), "stored as the catalogue names it");
            assertEquals("completion", last.task(), "and its task found from the catalogue");
            WarmupStatus status = h.status();
            assertTrue(status.models().stream().anyMatch(m -> m.id().equals("coder") && m.lastUsed() != null),
                    status.toString());
        }
    }

    @Test
    void theEditorLoadsOnWarmupLoadAndStateReportsWithoutMemoryCountTheCataloguesSize() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
            h.initialize("{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500, "
                    + "\"loadSeconds\": 3}, {\"id\": \"chat\", \"tasks\": [\"chat\"], \"memoryMb\": 400}]}");
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            LoadParams load = h.client.await(h.client.loads, l -> !l.isEmpty(), Duration.ofSeconds(30)).get(0);
            assertEquals("coder", load.model());
            assertTrue(load.reason().startsWith("p=") && load.reason().contains("cold starts saved"), load.reason());
            assertTrue(load.confidence() > 0 && load.confidence() <= 1, "the plan's probability: " + load);
            assertTrue(load.neededInSeconds() != null && load.neededInSeconds() >= 0, load.toString());
            h.server.getWarmupService().modelState(new ModelStateParams("coder", ModelState.ready, 2500L, null, null));
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
            scheduler.tick().get(30, TimeUnit.SECONDS); // the load's completion has run on the scheduler's thread
            assertEquals(1500, h.server.getWarmupService().status().get(30, TimeUnit.SECONDS).memoryUsedMb());
            // an orchestrator loaded chat by itself and says so, without its size
            h.server.getWarmupService().modelState(new ModelStateParams("chat", ModelState.ready, null, null, null));
            h.client.await(h.client.statuses, l -> warm(l, "chat"), Duration.ofSeconds(30));
            assertEquals(1900, h.server.getWarmupService().status().get(30, TimeUnit.SECONDS).memoryUsedMb());
        }
    }
}
