package dev.warmup.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.protocol.LoadParams;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.ModelState;
import dev.warmup.protocol.ModelStateParams;
import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.ScheduledWarmup;
import dev.warmup.protocol.WarmupPrediction;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.backend.fake.FakeLlamaServer;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.performance.PerformancePredictor;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.MessageParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end over LSP: recorded editor traffic → prediction → a load on a real HTTP server speaking Ollama's API →
 * {@code warmup/statusChanged} reaches the client; {@code warmup/modelUsed} then counts a hit. And a failing model
 * server leaves the LSP side answering.
 */
class WarmingEndToEndTest {
    @TempDir Path dir;

    private static String settings(String url) {
        return "{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\": \"" + url + "\"}}, \"models\": ["
                + "{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500, \"loadSeconds\": 3, "
                + "\"backend\": \"local\"}, {\"id\": \"big\", \"tasks\": [\"refactoring\"], \"memoryMb\": 1900, "
                + "\"loadSeconds\": 20, \"backend\": \"local\"}]}";
    }

    /** A developer using completion every half minute for the last hour. */
    private static List<UsageEvent> recentCompletionUse(long now) {
        List<UsageEvent> events = new ArrayList<>();
        for (long t = now - 3_600_000; t < now; t += 30_000) {
            events.add(UsageEvent.simple(t, EventKind.CHANGE, null, null));
            events.add(new UsageEvent(t + 1000, EventKind.MODEL_USED, null, "completion", "coder", null, null, 0, 0,
                    -1, -1, 50, false));
        }
        return events;
    }

    /** A server with an hour of completion use behind it, warming on {@code ollama}; its scheduler, not yet ticked. */
    private static WarmupScheduler start(ServerHarness h, FakeOllamaServer ollama) throws Exception {
        h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
        h.initialize(settings(ollama.url()));
        h.startPrediction();
        return h.injector.getInstance(WarmupScheduler.class);
    }

    private static boolean warm(List<WarmupStatus> statuses, String model) {
        return statuses.stream().anyMatch(s -> s.models().stream()
                .anyMatch(m -> m.id().equals(model) && m.state().equals("warm")));
    }

    @Test
    void predictionLoadsOnTheModelServerAndTheClientHearsOfIt() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = start(h, ollama);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
            assertTrue(ollama.isLoaded("coder"));
            assertTrue(!ollama.isLoaded("big"), "a model nobody uses is not loaded");
            WarmupStatus last = h.server.getWarmupService().status().get(10, TimeUnit.SECONDS);
            ModelStatus coder = last.models().stream().filter(m -> m.id().equals("coder")).findFirst().orElseThrow();
            assertEquals("warm", coder.state());
            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 40L, false));
            h.flush();
            JsonObject metrics = new Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject();
            assertEquals(1, metrics.get("hits").getAsLong(), metrics.toString());
            assertTrue(metrics.getAsJsonObject("warmups").get("succeeded").getAsLong() >= 1);
        }
    }

    @Test
    void aModelNoLongerWantedIsUnloadedOnlyOnceItHasStayedUnwantedForTheGrace() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = start(h, ollama);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
            h.clock.advance(Duration.ofHours(2)); // the developer left: nothing is forecast any more
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertTrue(ollama.isLoaded("coder"), "held through the grace");
            assertEquals(h.clock.millis() + SustainedUnloads.GRACE_MILLIS, scheduler.dueTickAt(),
                    "a tick when the grace ends");
            h.clock.advance(Duration.ofSeconds(5));
            WarmupPrediction preview = h.server.getWarmupService().predict(new PredictParams(300, null))
                    .get(10, TimeUnit.SECONDS); // warmup/predict says when the held unload falls due
            ScheduledWarmup unload = preview.schedule().tasks().stream().filter(t -> t.action().equals("unload"))
                    .findFirst().orElseThrow(() -> new AssertionError(preview.toString()));
            assertEquals("coder", unload.model());
            assertEquals(SustainedUnloads.GRACE_MILLIS / 1000.0 - 5, unload.startInSeconds(), 1e-9);
            h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS - 5_000));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            ollama.unloaded("coder").get(30, TimeUnit.SECONDS);
            assertTrue(!ollama.isLoaded("coder"));
            assertEquals(Long.MAX_VALUE, scheduler.dueTickAt(), "nothing is held any more");
        }
    }

    @Test
    void theSizeTheModelServerReportsReplacesTheCataloguesInTheAccounting() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            ollama.size("coder", 1200L * 1024 * 1024); // the catalogue says 1500 MB
            WarmupScheduler scheduler = start(h, ollama);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
            scheduler.tick().get(30, TimeUnit.SECONDS); // reconciliation reads /api/ps
            assertEquals(1200, h.server.getWarmupService().status().get(10, TimeUnit.SECONDS).memoryUsedMb());
            ModelSpec coder = h.injector.getInstance(ConfigurationManager.class).current().models().get(0);
            assertEquals(1200, h.injector.getInstance(PerformancePredictor.class).memoryMb(coder),
                    "and the plan packs that size");
        }
    }

    @Test
    void aKeptModelIsRenewedBeforeItsModelServersKeepAliveRunsOut() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = start(h, ollama);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
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
            h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
            h.initialize("{\"backends\": {\"vllm\": {\"type\": \"openai\", \"url\": \"" + openai.url() + "\"}}, "
                    + "\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500, "
                    + "\"loadSeconds\": 3, \"backend\": \"vllm\"}]}");
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
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
    void whenSystemMemoryRunsOutWarmModelsAreUnloadedAndTheClientIsTold() throws Exception {
        java.util.concurrent.atomic.AtomicLong available = new java.util.concurrent.atomic.AtomicLong(8_000);
        com.google.inject.Module probe = new com.google.inject.AbstractModule() {
            @Override
            protected void configure() {
                bind(dev.warmup.server.resources.SystemProbe.class).toInstance(() ->
                        new dev.warmup.server.resources.SystemProbe.Snapshot(16_000, available.get(), 0.05, 0.1, 100));
            }
        };
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir, probe)) {
            WarmupScheduler scheduler = start(h, ollama);
            var resources = h.injector.getInstance(dev.warmup.server.resources.ResourceManager.class);
            resources.refresh();
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
            available.set(300); // below the 800 MB reserve of a 16 GB machine
            resources.refresh();
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> !l.isEmpty() && !warm(List.of(l.get(l.size() - 1)), "coder"),
                    Duration.ofSeconds(30));
            ollama.unloaded("coder").get(30, TimeUnit.SECONDS);
            assertTrue(!ollama.isLoaded("coder"));
            JsonObject metrics = new Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject();
            assertEquals(1, metrics.getAsJsonObject("counters").get("emergencyUnloads").getAsLong());
        }
    }

    @Test
    void aFailingModelServerLeavesTheServerAnswering() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            ollama.failNext(1000, 500);
            WarmupScheduler scheduler = start(h, ollama);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> l.stream().anyMatch(s -> s.models().stream()
                    .anyMatch(m -> m.id().equals("coder") && m.state().equals("failed"))), Duration.ofSeconds(30));
            assertTrue(!ollama.isLoaded("coder"));
            assertEquals("running", h.server.getWarmupService().status().get(10, TimeUnit.SECONDS).state());
            JsonObject metrics = new Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject();
            assertEquals(1, metrics.getAsJsonObject("warmups").get("failed").getAsLong(), metrics.toString());
        }
    }

    @Test
    void aFailingLoadIsRetriedAfterBackOffThenGivenUpUntilTheSettingsChange() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            ollama.failNext(1000, 400);
            Logger logger = Logger.getLogger(BackendActions.class.getName());
            CompletableFuture<String> gaveUp = logged(logger, "WMP-3002");
            WarmupScheduler scheduler = start(h, ollama);
            for (int attempt = 1; attempt <= BackendActions.MAX_ATTEMPTS; attempt++) {
                scheduler.tick().get(30, TimeUnit.SECONDS);
                assertEquals(attempt, warmups(h, "started"), "attempt " + attempt);
                int failures = attempt;
                h.client.await(h.client.statuses, l -> failedLoads(l, "coder") >= failures, Duration.ofSeconds(30));
                scheduler.tick().get(30, TimeUnit.SECONDS);
                assertEquals(attempt, warmups(h, "started"), "backing off after failure " + attempt);
                h.clock.advance(Duration.ofSeconds(30L << (attempt - 1))); // 30 s, then 60 s
            }
            assertTrue(gaveUp.get(30, TimeUnit.SECONDS).contains("coder"));
            h.clock.advance(Duration.ofMinutes(2));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertTrue(loadsPlanned(h).contains("coder"), "still wanted");
            assertEquals(BackendActions.MAX_ATTEMPTS, warmups(h, "started"), "given up");
            JsonObject changed = JsonParser.parseString(settings(ollama.url())).getAsJsonObject();
            changed.addProperty("maxQueueSize", 50);
            JsonObject section = new JsonObject();
            section.add("warmup", changed);
            h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(section));
            h.flush();
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(BackendActions.MAX_ATTEMPTS + 1, warmups(h, "started"), "tried again after the change");
            assertEquals("running", h.server.getWarmupService().status().get(10, TimeUnit.SECONDS).state());
        }
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
            WarmupStatus status = h.server.getWarmupService().status().get(10, TimeUnit.SECONDS);
            assertEquals(1500, status.memoryUsedMb(), "only coder holds memory");
            List<String> named = h.client.logged.stream().map(MessageParams::getMessage)
                    .filter(m -> m.startsWith("WMP-3003")).toList();
            assertEquals(3, named.size(), "once per model: " + named);
            assertTrue(named.get(0).contains("remote-0"), named.get(0));
            long chatUses = h.injector.getInstance(UsageStore.class).allEvents().stream()
                    .filter(e -> "chat".equals(e.task())).count();
            assertEquals(6, chatUses, "their uses still count for their task");
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
            assertEquals(1500, h.server.getWarmupService().status().get(10, TimeUnit.SECONDS).memoryUsedMb());
            // an orchestrator loaded chat by itself and says so, without its size
            h.server.getWarmupService().modelState(new ModelStateParams("chat", ModelState.ready, null, null, null));
            h.client.await(h.client.statuses, l -> warm(l, "chat"), Duration.ofSeconds(30));
            assertEquals(1900, h.server.getWarmupService().status().get(10, TimeUnit.SECONDS).memoryUsedMb());
        }
    }

    @Test
    void aLoadPastTheTimeoutIsAbandonedWithWmp3001() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            CompletableFuture<Void> gate = ollama.gate("coder");
            Logger logger = Logger.getLogger(BackendActions.class.getName());
            CompletableFuture<String> abandoned = logged(logger, "WMP-3001");
            h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
            JsonObject s = JsonParser.parseString(settings(ollama.url())).getAsJsonObject();
            s.addProperty("warmupTimeoutSeconds", 1);
            h.initialize(s.toString());
            h.startPrediction();
            h.injector.getInstance(WarmupScheduler.class).tick().get(30, TimeUnit.SECONDS);
            assertTrue(abandoned.get(30, TimeUnit.SECONDS).contains("coder did not load within 1 s"));
            h.client.await(h.client.statuses, l -> failedLoads(l, "coder") == 1, Duration.ofSeconds(30));
            assertEquals(1, warmups(h, "timedOut"));
            gate.complete(null);
        }
    }

    /** Completes with the first message {@code logger} logs that starts with {@code code}. */
    private static CompletableFuture<String> logged(Logger logger, String code) {
        CompletableFuture<String> message = new CompletableFuture<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage() != null && r.getMessage().startsWith(code)) {
                    message.complete(r.getMessage());
                }
            }

            @Override public void flush() {}
            @Override public void close() {}
        };
        logger.addHandler(handler);
        message.whenComplete((m, e) -> logger.removeHandler(handler));
        return message;
    }

    /** Loads of {@code model} that ended in failure: statuses where it turned from loading to failed. */
    private static int failedLoads(List<WarmupStatus> statuses, String model) {
        int n = 0;
        String before = null;
        for (WarmupStatus s : statuses) {
            String now = s.models().stream().filter(m -> m.id().equals(model)).map(ModelStatus::state).findFirst()
                    .orElse(null);
            n += "loading".equals(before) && "failed".equals(now) ? 1 : 0;
            before = now;
        }
        return n;
    }

    private static long warmups(ServerHarness h, String outcome) throws Exception {
        JsonObject metrics = new Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject();
        return metrics.getAsJsonObject("warmups").get(outcome).getAsLong();
    }

    /** The models {@code warmup/predict} would load now. */
    private static List<String> loadsPlanned(ServerHarness h) throws Exception {
        return h.server.getWarmupService().predict(new PredictParams(300, null)).get(10, TimeUnit.SECONDS)
                .schedule().tasks().stream().filter(t -> t.action().equals("load")).map(ScheduledWarmup::model)
                .toList();
    }
}
