package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.pastTheReportWindow;
import static dev.warmup.server.scheduler.WarmingFixture.recentCompletionUse;
import static dev.warmup.server.scheduler.WarmingFixture.settings;
import static dev.warmup.server.scheduler.WarmingFixture.startWithCoderWarm;
import static dev.warmup.server.scheduler.WarmingFixture.warm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.FakeProcesses;
import dev.warmup.server.store.ProcessIdentity;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.util.List;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Editor windows each run a server, over the same data directory and the same Ollama: a server unloads only what it
 * loaded or served, or what a server that exited left; what a running server or a person loaded is held elsewhere.
 */
class SharedModelServerTest {
    @TempDir Path dir;

    private final ProcessIdentity inUseProcess = new ProcessIdentity(1001, 7);
    private final ProcessIdentity idleProcess = new ProcessIdentity(1002, 7);
    private final Set<ProcessIdentity> running = ConcurrentHashMap.newKeySet();

    /** Two editor windows' servers, both running, on one data directory and one Ollama. */
    private final class TwoWindows implements AutoCloseable {
        final FakeOllamaServer ollama = new FakeOllamaServer();
        final ServerHarness inUse = new ServerHarness(dir, new FakeProcesses(inUseProcess, running).module());
        final ServerHarness idle = new ServerHarness(dir, new FakeProcesses(idleProcess, running).module());

        TwoWindows() throws java.io.IOException {
            running.addAll(Set.of(inUseProcess, idleProcess));
        }

        @Override
        public void close() throws Exception {
            idle.close();
            inUse.close();
            ollama.close();
        }
    }

    @Test
    void anIdleWindowLeavesAloneWhatTheWindowInUseLoaded() throws Exception {
        try (TwoWindows w = new TwoWindows()) {
            WarmupScheduler scheduler = idleBesideCoderHeldThere(w);
            assertFalse(scheduler.unloadPending().get(30, TimeUnit.SECONDS), "no unload asked");
            assertTrue(w.ollama.isLoaded("coder"));
            WarmupStatus status = w.idle.server.getWarmupService().status().get(30, TimeUnit.SECONDS);
            assertEquals(1500, status.memoryUsedMb(), "and it counts in the idle window's budget");
            assertEquals(ModelStatus.ANOTHER_SERVER, heldBy(status, "coder"), "and the idle window's editor is told");
            assertEquals(null, heldBy(w.inUse.server.getWarmupService().status().get(30, TimeUnit.SECONDS), "coder"));
        }
    }

    @Test
    void aModelHeldElsewhereThatGoesIsNotHeldOffHere() throws Exception {
        try (TwoWindows w = new TwoWindows()) {
            WarmupScheduler scheduler = idleBesideCoderHeldThere(w);
            assertEquals(ModelStatus.ANOTHER_SERVER,
                    heldBy(w.idle.server.getWarmupService().status().get(30, TimeUnit.SECONDS), "coder"));
            w.ollama.evict("coder"); // its holder's doing, or Ollama's for it: not this window's to resist
            w.idle.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            ModelStatus coder = w.idle.server.getWarmupService().status().get(30, TimeUnit.SECONDS).models().get(0);
            assertEquals("unloaded", coder.state());
            assertEquals(null, coder.retryAt(), "free to warm it when this window's developer needs it");
        }
    }

    @Test
    void aWindowDoesNotAskForAModelThatWouldNotFitBesideWhatOthersHold() throws Exception {
        try (TwoWindows w = new TwoWindows()) {
            w.ollama.size("coder", 1500L << 20);
            startWithCoderWarm(w.inUse, w.ollama); // the first window holds coder
            w.ollama.loadedElsewhere("big", 1900L << 20);
            w.inUse.server.getWarmupService().modelUsed(new ModelUsedParams("big", "refactoring", null, 900L, false));
            w.inUse.flush(); // and big, which its developer just used
            ServerHarness second = w.idle; // where a completion is expected soon: coder is wanted here
            UsageStore store = second.injector.getInstance(UsageStore.class);
            store.append(List.of(UsageEvent.simple(second.clock.millis() - 1000, EventKind.CHANGE, null, null)));
            second.initialize(settings(w.ollama.url()).replace("{\"backends\"",
                    "{\"maxMemoryMb\": 3000, \"backends\""));
            second.startPrediction();
            WarmupScheduler next = second.injector.getInstance(WarmupScheduler.class);
            next.tick().get(30, TimeUnit.SECONDS);
            next.tick().get(30, TimeUnit.SECONDS);
            WarmupStatus status = second.server.getWarmupService().status().get(30, TimeUnit.SECONDS);
            assertEquals(ModelStatus.ANOTHER_SERVER, heldBy(status, "big"));
            assertEquals(0, wishes(store), "beside big, held there, coder does not fit 3,000 MB here");
        }
    }

    @Test
    void theWindowThatUsedAModelLastHoldsIt() throws Exception {
        try (TwoWindows w = new TwoWindows()) {
            WarmupScheduler loader = startWithCoderWarm(w.inUse, w.ollama); // this window loaded coder
            w.idle.initialize(settings(w.ollama.url()));
            w.idle.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 40L, false));
            w.idle.flush(); // the developer moved to the other window and uses coder there
            w.inUse.clock.advance(Duration.ofHours(2)); // the first window has seen nothing since
            passGrace(w.inUse, loader);
            assertFalse(loader.unloadPending().get(30, TimeUnit.SECONDS), "not the first window's to unload now");
            assertTrue(w.ollama.isLoaded("coder"));
            assertEquals(ModelStatus.ANOTHER_SERVER,
                    heldBy(w.inUse.server.getWarmupService().status().get(30, TimeUnit.SECONDS), "coder"));
        }
    }

    @Test
    void aModelTheOtherWindowWillNeedIsHandedToItNotUnloaded() throws Exception {
        try (TwoWindows w = new TwoWindows()) {
            WarmupScheduler first = startWithCoderWarm(w.inUse, w.ollama); // the first window loaded coder
            ServerHarness second = w.idle; // the developer moves to the second window and types there: a completion
            second.injector.getInstance(UsageStore.class).append(List.of( // is expected soon, not yet asked for
                    UsageEvent.simple(second.clock.millis() - 1000, EventKind.CHANGE, null, null)));
            second.initialize(settings(w.ollama.url()));
            second.startPrediction();
            WarmupScheduler next = second.injector.getInstance(WarmupScheduler.class);
            next.tick().get(30, TimeUnit.SECONDS);
            assertEquals(ModelStatus.ANOTHER_SERVER,
                    heldBy(second.server.getWarmupService().status().get(30, TimeUnit.SECONDS), "coder"));

            w.inUse.clock.advance(Duration.ofHours(2)); // the first window sees nothing more: its plan lets coder go
            var steps = w.inUse.server.getWarmupService().predict(new PredictParams(300, null))
                    .get(30, TimeUnit.SECONDS).schedule().tasks();
            assertEquals(List.of("coder handOver"), steps.stream().map(x -> x.model() + " " + x.action()).toList(),
                    "the preview says so");
            passGrace(w.inUse, first);
            assertFalse(first.unloadPending().get(30, TimeUnit.SECONDS), "handed over, not unloaded");
            assertTrue(w.ollama.isLoaded("coder"));
            assertEquals(ModelStatus.ANOTHER_SERVER,
                    heldBy(w.inUse.server.getWarmupService().status().get(30, TimeUnit.SECONDS), "coder"));
            next.tick().get(30, TimeUnit.SECONDS);
            assertEquals(null, heldBy(second.server.getWarmupService().status().get(30, TimeUnit.SECONDS), "coder"),
                    "the second window holds it now");

            second.clock.advance(Duration.ofHours(2)); // and when that one has no use for it either, it unloads it
            passGrace(second, next);
            w.ollama.unloaded("coder").get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWindowWithdrawsItsWishWhenPausedWhenTheModelWouldNotFitOrWhenItLeavesItsCatalogue() throws Exception {
        try (TwoWindows w = new TwoWindows()) {
            startWithCoderWarm(w.inUse, w.ollama);
            ServerHarness second = w.idle;
            UsageStore store = second.injector.getInstance(UsageStore.class);
            store.append(List.of(UsageEvent.simple(second.clock.millis() - 1000, EventKind.CHANGE, null, null)));
            second.initialize(settings(w.ollama.url()));
            second.startPrediction();
            WarmupScheduler next = second.injector.getInstance(WarmupScheduler.class);
            next.tick().get(30, TimeUnit.SECONDS);
            assertEquals(1, wishes(store), "it would keep coder");

            second.command("warmup.pause");
            next.tick().get(30, TimeUnit.SECONDS);
            assertEquals(0, wishes(store), "paused, it would keep nothing");
            second.command("warmup.resume");
            next.tick().get(30, TimeUnit.SECONDS);
            assertEquals(1, wishes(store));

            second.changeSettings(settings(w.ollama.url()).replace("{\"backends\"",
                    "{\"maxMemoryMb\": 1000, \"backends\""));
            next.tick().get(30, TimeUnit.SECONDS);
            assertEquals(0, wishes(store), "coder does not fit its budget: handed over, it would be unloaded at once");

            second.changeSettings(settings(w.ollama.url()).replace("\"coder\"", "\"other-coder\""));
            next.tick().get(30, TimeUnit.SECONDS);
            assertEquals(0, wishes(store), "coder left its catalogue");
        }
    }

    private static long wishes(UsageStore store) throws Exception {
        return store.query("SELECT count(*) FROM model_wants", List.of(), rs -> rs.getLong(1));
    }

    @Test
    void whatAServerThatExitedLeftLoadedIsUnloadedWhenNotWanted() throws Exception {
        try (TwoWindows w = new TwoWindows()) {
            startWithCoderWarm(w.inUse, w.ollama);
            running.remove(inUseProcess); // that window was closed, or this editor restarted
            idleFor(w.idle, Duration.ofHours(2), settings(w.ollama.url()));
            w.ollama.unloaded("coder").get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void serversThatNameAModelDifferentlyStillAgreeWhoHoldsIt() throws Exception {
        try (TwoWindows w = new TwoWindows()) {
            startWithCoderWarm(w.inUse, w.ollama); // its catalogue says coder
            running.remove(inUseProcess);
            idleFor(w.idle, Duration.ofHours(2), settings(w.ollama.url()).replace("\"coder\"", "\"Coder:latest\""));
            w.ollama.unloaded("coder").get(30, TimeUnit.SECONDS); // left by a server that exited: the idle one unloads it
        }
    }

    @Test
    void aModelAPersonLoadedIsLeftAloneUntilThisEditorUsesIt() throws Exception {
        running.add(inUseProcess);
        try (FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir, new FakeProcesses(inUseProcess, running).module())) {
            ollama.loadedElsewhere("big", 1900L << 20); // `ollama run` in a terminal: the plan has no use for it
            ollama.size("coder", 1500L << 20);
            h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
            h.initialize(settings(ollama.url()).replaceFirst("\\{", "{\"maxMemoryMb\": 4096, "));
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
            passGrace(h, scheduler);
            assertFalse(scheduler.unloadPending().get(30, TimeUnit.SECONDS));
            assertTrue(ollama.isLoaded("big"));
            WarmupStatus status = h.server.getWarmupService().status().get(30, TimeUnit.SECONDS);
            assertEquals(3400, status.memoryUsedMb());
            assertEquals(ModelStatus.OTHER_PROGRAM, heldBy(status, "big"));

            h.server.getWarmupService().modelUsed(new ModelUsedParams("big", "refactoring", null, 40L, false));
            h.flush();
            h.clock.advance(Duration.ofHours(2)); // used through this editor, then not wanted: ours to unload
            passGrace(h, scheduler);
            ollama.unloaded("big").get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aModelAnotherProgramAsksForIsNotUnloadedFromUnderIt() throws Exception {
        running.add(inUseProcess);
        try (FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir, new FakeProcesses(inUseProcess, running).module())) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama); // loaded by us
            scheduler.tick().get(30, TimeUnit.SECONDS); // reads its keep-alive
            h.clock.advance(Duration.ofSeconds(5));
            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 40L, false));
            h.flush(); // our editor's request moved the keep-alive: that is a use of ours
            ollama.expires("coder", h.clock.instant().plusSeconds(1800).toString());
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(null, heldBy(h.server.getWarmupService().status().get(30, TimeUnit.SECONDS), "coder"));

            // an extension that does not report to us asks Ollama for coder: its keep-alive moves again, and no use is
            // reported to us in the minute after we see it
            ollama.expires("coder", h.clock.instant().plusSeconds(300).toString());
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(null, heldBy(h.server.getWarmupService().status().get(30, TimeUnit.SECONDS), "coder"),
                    "our editor's report may be on its way");
            pastTheReportWindow(h, scheduler);
            assertEquals(ModelStatus.OTHER_PROGRAM,
                    heldBy(h.server.getWarmupService().status().get(30, TimeUnit.SECONDS), "coder"));
            h.clock.advance(Duration.ofHours(2)); // our developer left; that program's keep-alive decides
            passGrace(h, scheduler);
            assertFalse(scheduler.unloadPending().get(30, TimeUnit.SECONDS));
            assertTrue(ollama.isLoaded("coder"));
        }
    }

    @Test
    void aModelAnotherProgramLoadedIsRenewedIfThePredictionKeepsItAndThenIsOurs() throws Exception {
        running.add(inUseProcess);
        try (FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir, new FakeProcesses(inUseProcess, running).module())) {
            // an AI extension that does not report to us asked Ollama for coder: its keep-alive ends in a minute
            ollama.loadedElsewhere("coder", 1500L << 20);
            ollama.expires("coder", h.clock.instant().plusSeconds(60).toString());
            UsageStore store = h.injector.getInstance(UsageStore.class);
            store.append(recentCompletionUse(h.clock.millis())); // the developer has used completion all hour,
            store.append(List.of(UsageEvent.simple(h.clock.millis() - 1000, EventKind.CHANGE, null, null)));
            h.initialize(settings(ollama.url())); // and has just typed: a request is expected within seconds
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(1, ollama.loads("coder", 1).get(30, TimeUnit.SECONDS), "renewed, not left to expire");
            h.clock.advance(Duration.ofHours(2)); // then the developer leaves: ours now, so unloaded
            passGrace(h, scheduler);
            ollama.unloaded("coder").get(30, TimeUnit.SECONDS);
        }
    }

    /** The window in use holds coder (1,500 MB); the idle one, its developer away two hours, sees it; its scheduler. */
    private static WarmupScheduler idleBesideCoderHeldThere(TwoWindows w) throws Exception {
        w.ollama.size("coder", 1500L << 20);
        startWithCoderWarm(w.inUse, w.ollama);
        return idleFor(w.idle, Duration.ofHours(2), settings(w.ollama.url()));
    }

    private static String heldBy(WarmupStatus status, String model) {
        return status.models().stream().filter(m -> m.id().equals(model)).findFirst().orElseThrow().heldBy();
    }

    /** {@code h} started with {@code settings} and its developer away for {@code away}; its held unloads come due. */
    private static WarmupScheduler idleFor(ServerHarness h, Duration away, String settings) throws Exception {
        h.clock.advance(away);
        h.initialize(settings);
        h.startPrediction();
        WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
        passGrace(h, scheduler);
        return scheduler;
    }

    /** Ticks, lets {@link SustainedUnloads}' grace pass, and ticks twice more. */
    private static void passGrace(ServerHarness h, WarmupScheduler scheduler) throws Exception {
        scheduler.tick().get(30, TimeUnit.SECONDS);
        h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS));
        scheduler.tick().get(30, TimeUnit.SECONDS);
        scheduler.tick().get(30, TimeUnit.SECONDS);
    }
}
