package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.coder;
import static dev.warmup.server.scheduler.WarmingFixture.recentCompletionUse;
import static dev.warmup.server.scheduler.WarmingFixture.settings;
import static dev.warmup.server.scheduler.WarmingFixture.start;
import static dev.warmup.server.scheduler.WarmingFixture.startWithBothWanted;
import static dev.warmup.server.scheduler.WarmingFixture.startWithCoderWarm;
import static dev.warmup.server.scheduler.WarmingFixture.warm;
import static dev.warmup.server.scheduler.WarmingFixture.warmups;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.protocol.ModelPrediction;
import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.ScheduledWarmup;
import dev.warmup.protocol.WarmupPrediction;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.LogCapture;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end over LSP: recorded editor traffic → prediction → a load on a real HTTP server speaking Ollama's API →
 * {@code warmup/statusChanged} reaches the client; {@code warmup/modelUsed} then counts a hit; unloads wait out the
 * grace; a system-memory emergency sheds; a failing model server leaves the LSP side answering.
 */
class WarmingEndToEndTest {
    @TempDir Path dir;

    @Test
    void predictionLoadsOnTheModelServerAndTheClientHearsOfIt() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            assertTrue(ollama.isLoaded("coder"));
            assertTrue(!ollama.isLoaded("big"), "a model nobody uses is not loaded");
            WarmupStatus last = h.status();
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
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
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
            h.client.await(h.client.statuses, l -> !warm(l.subList(l.size() - 1, l.size()), "coder"),
                    Duration.ofSeconds(30)); // the unload's answer taken
            assertEquals("unloaded", coder(h).state());
            assertEquals("not expected soon enough to keep (p=0.00 within 300 s)", coder(h).unloadReason());
            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 40L, true));
            h.flush(); // used again, so loaded again (by the developer's own request): the reason goes
            assertEquals(null, coder(h).unloadReason(), coder(h).toString());
        }
    }

    @Test
    void anUnloadTheModelServerRefusesIsLoggedAndAskedForAgainAfterAnotherGrace() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir);
             LogCapture logged = new LogCapture(BackendActions.class)) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            h.clock.advance(Duration.ofHours(2)); // nothing is forecast any more
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS));
            ollama.failNext(3, 500); // the request and its two retries
            scheduler.tick().get(30, TimeUnit.SECONDS);
            String said = logged.awaitFirst("WMP-8004", Duration.ofSeconds(30));
            assertTrue(said.contains("injected failure") && said.endsWith(" (unloading coder)"), said);
            assertTrue(ollama.isLoaded("coder"));
            assertEquals("warm", coder(h).state(), "loaded still, as far as the server knows");

            h.clock.advance(Duration.ofSeconds(30)); // the circuit breaker the three failures opened lets calls by
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(h.clock.millis() + SustainedUnloads.GRACE_MILLIS, scheduler.dueTickAt(),
                    "held again for a grace, as any unload the plan wants");
            assertTrue(ollama.isLoaded("coder"));
            h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            ollama.unloaded("coder").get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> !warm(l.subList(l.size() - 1, l.size()), "coder"),
                    Duration.ofSeconds(30));
            assertEquals("unloaded", coder(h).state());
        }
    }

    @Test
    void anUnloadRefusedAgainAndAgainIsSaidOnceAMinuteNotAtEveryAsking() throws Exception {
        Logger log = Logger.getLogger(BackendActions.class.getName());
        Level level = log.getLevel();
        log.setLevel(Level.FINE); // the refusals held back too
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir);
             LogCapture logged = new LogCapture(BackendActions.class)) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            h.clock.advance(Duration.ofHours(2)); // nothing is forecast any more
            scheduler.tick().get(30, TimeUnit.SECONDS);
            for (int asked = 1; asked <= 4; asked++) { // each after its grace, the breaker's 30 s between: 50 s apart
                h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS));
                ollama.failNext(3, 500); // the request and its two retries
                scheduler.tick().get(30, TimeUnit.SECONDS);
                logged.await("WMP-8004", asked, Duration.ofSeconds(30));
                h.clock.advance(Duration.ofSeconds(30));
                scheduler.tick().get(30, TimeUnit.SECONDS); // held again for a grace
            }
            List<LogRecord> refusals = logged.await("WMP-8004", 4, Duration.ofSeconds(30));
            assertEquals(List.of(Level.WARNING, Level.FINE, Level.WARNING, Level.FINE),
                    refusals.stream().map(LogRecord::getLevel).toList(), "said at 0 s and 100 s; not at 50 s, 150 s");
            assertTrue(refusals.get(0).getMessage().endsWith(" (unloading coder)"), refusals.get(0).getMessage());
            assertEquals(refusals.get(0).getMessage() + " (1 times more since it was last said)",
                    refusals.get(2).getMessage());
            assertTrue(ollama.isLoaded("coder"));
            assertEquals("warm", coder(h).state(), "loaded still, as far as the server knows");
        } finally {
            log.setLevel(level);
        }
    }

    @Test
    void aModelOllamaIsStillUnloadingIsNeitherWarmNorAnyonesRequest() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            ollama.keepAliveOn(h.clock);
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            scheduler.start(3600); // ticking on its own from now on (its next periodic tick an hour away)
            scheduler.tick().get(30, TimeUnit.SECONDS); // reads its keep-alive: 30 minutes
            CompletableFuture<Void> requestInFlight = ollama.holdUnloads();
            JsonObject s = JsonParser.parseString(settings(ollama.url())).getAsJsonObject();
            s.addProperty("maxMemoryMb", 1000); // below coder's 1500 MB: unloaded at once
            h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(
                    JsonParser.parseString("{\"warmup\": " + s + "}")));
            h.flush(); // Ollama answers the unload, and lists coder expiring now until a request in flight ends
            ollama.asked("unload", "coder", 1).get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> !warm(l.subList(l.size() - 1, l.size()), "coder"),
                    Duration.ofSeconds(30)); // our unload answered
            for (int look = 0; look < 3; look++) { // a long request: Ollama lists coder at every look meanwhile
                h.clock.advance(Duration.ofSeconds(5));
                scheduler.tick().get(30, TimeUnit.SECONDS);
                assertEquals("unloaded", coder(h).state(), "on its way out (look " + look + ")");
            }
            WarmingFixture.pastTheReportWindow(h, scheduler);
            assertEquals(List.of(), WarmingFixture.inferred(h), "its expiry moved to the unload: no one's request");
            assertEquals(null, coder(h).heldBy());
            requestInFlight.complete(null);
            ollama.unloaded("coder").get(30, TimeUnit.SECONDS);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals("unloaded", coder(h).state());
            assertEquals(List.of(), WarmingFixture.inferred(h));
        }
    }

    @Test
    void aModelServingARequestPastItsListedExpiryIsStillWarm() throws Exception {
        Logger actions = Logger.getLogger(BackendActions.class.getName());
        Level level = actions.getLevel();
        actions.setLevel(Level.FINE);
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            ollama.keepAliveOn(h.clock);
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            scheduler.tick().get(30, TimeUnit.SECONDS); // reads its keep-alive: 30 minutes
            CompletableFuture<Void> longRequest = ollama.answering("coder"); // Ollama's timer stops meanwhile
            try (LogCapture logged = new LogCapture(BackendActions.class)) {
                h.clock.advance(Duration.ofMinutes(31)); // the expiry it lists has passed, unchanged
                scheduler.tick().get(30, TimeUnit.SECONDS);
                assertEquals("warm", coder(h).state(), "in use, not on its way out");
                // our renewal, which does not move it either: a request is in flight
                logged.awaitFirst("renewed coder", Duration.ofSeconds(30));
            }
            for (int look = 0; look < 2; look++) {
                h.clock.advance(Duration.ofSeconds(30));
                scheduler.tick().get(30, TimeUnit.SECONDS);
                assertEquals("warm", coder(h).state(), "still in use (look " + look + " after the renewal)");
            }
            assertTrue(ollama.isLoaded("coder"));
            longRequest.complete(null);
        } finally {
            actions.setLevel(level);
        }
    }

    @Test
    void aBudgetLoweredBelowAWarmModelIsMetAtOnceOnTheSettingsChange() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            scheduler.start(3600); // ticking on its own from now on (its next periodic tick an hour away)
            scheduler.tick().get(30, TimeUnit.SECONDS); // and the start's first tick is done too (one thread, in order)
            JsonObject s = JsonParser.parseString(settings(ollama.url())).getAsJsonObject();
            s.addProperty("maxMemoryMb", 1000); // below coder's 1500 MB
            h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(
                    JsonParser.parseString("{\"warmup\": " + s + "}")));
            h.flush(); // the settings are applied, and the tick they queued on the scheduler's thread is queued
            assertTrue(scheduler.unloadPending().get(30, TimeUnit.SECONDS) || !ollama.isLoaded("coder"),
                    "the unload is under way at once: no tick awaited, no grace (the clock has not moved)");
            ollama.unloaded("coder").get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void ofTwoModelsServingOneTaskTheOneTheDeveloperUsesIsWarmed() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis())); // all on coder
            h.initialize(settings(ollama.url()).replace("[\"refactoring\"]", "[\"completion\"]")); // big too
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
            WarmupPrediction preview = h.server.getWarmupService().predict(new PredictParams(300, null))
                    .get(10, TimeUnit.SECONDS);
            assertTrue(preview.schedule().tasks().stream().noneMatch(t -> t.model().equals("big")),
                    "before, big (never used, but dearer to miss) was to replace coder: " + preview.schedule());
            var p = preview.predictions().stream().collect(java.util.stream.Collectors.toMap(ModelPrediction::model,
                    ModelPrediction::usageProbability));
            assertTrue(p.get("big") < p.get("coder") / 20, p.toString());
            var until = preview.predictions().stream().collect(java.util.stream.Collectors.toMap(
                    ModelPrediction::model, ModelPrediction::timeUntilNeededSeconds));
            assertTrue(until.get("big") > 20 * until.get("coder"), until.toString());
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertTrue(ollama.isLoaded("coder") && !ollama.isLoaded("big"));
        }
    }

    @Test
    void aFullQueueShedsTheLesserWarmUpAndCountsIt() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            JsonObject queueOfOne = new JsonObject();
            queueOfOne.addProperty("maxQueueSize", 1);
            startWithBothWanted(h, ollama, queueOfOne).tick().get(30, TimeUnit.SECONDS); // both wanted, room for one
            JsonObject metrics = new Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject();
            assertEquals(1, metrics.getAsJsonObject("counters").get("queue.shed").getAsLong(), metrics.toString());
            assertEquals(1, warmups(h, "started"));
        }
    }

    @Test
    void whenSystemMemoryRunsOutWarmModelsAreUnloadedAndTheClientIsTold() throws Exception {
        java.util.concurrent.atomic.AtomicLong available = new java.util.concurrent.atomic.AtomicLong(8_000);
        com.google.inject.Module probe = new com.google.inject.AbstractModule() {
            @Override
            protected void configure() {
                bind(dev.warmup.server.resources.SystemProbe.class).toInstance(() ->
                        new dev.warmup.server.resources.SystemProbe.Snapshot(16_000, available.get(), 0.05));
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
            assertEquals("running", h.status().state());
            JsonObject metrics = new Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject();
            assertEquals(1, metrics.getAsJsonObject("warmups").get("failed").getAsLong(), metrics.toString());
        }
    }
}
