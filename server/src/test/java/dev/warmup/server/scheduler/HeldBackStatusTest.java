package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.coder;
import static dev.warmup.server.scheduler.WarmingFixture.start;
import static dev.warmup.server.scheduler.WarmingFixture.bothWantedSettings;
import static dev.warmup.server.scheduler.WarmingFixture.startWithBothWanted;
import static dev.warmup.server.scheduler.WarmingFixture.state;
import static dev.warmup.server.scheduler.WarmingFixture.theOneLoading;
import static dev.warmup.server.scheduler.WarmingFixture.theOther;
import static dev.warmup.server.scheduler.WarmingFixture.warm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.inject.AbstractModule;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.ScheduledWarmup;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.LogCapture;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.performance.PerformancePredictor;
import dev.warmup.server.queue.WarmupQueue;
import dev.warmup.server.resources.ResourceManager;
import dev.warmup.server.resources.SystemProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status says what the machine holds warming back: a busy CPU, a lowered memory budget. */
class HeldBackStatusTest {
    @TempDir Path dir;
    private final AtomicReference<SystemProbe.Snapshot> machine =
            new AtomicReference<>(new SystemProbe.Snapshot(16_000, 9_000, 0.05));
    /** What the machine reads from the next restart of the probe's interval on (a load's busy seconds left behind). */
    private final AtomicReference<SystemProbe.Snapshot> afterRestart = new AtomicReference<>();
    private final AbstractModule probe = new AbstractModule() {
        @Override
        protected void configure() {
            bind(SystemProbe.class).toInstance(new SystemProbe() {
                @Override
                public Snapshot sample() {
                    return machine.get();
                }

                @Override
                public void restartInterval() {
                    Snapshot next = afterRestart.getAndSet(null);
                    if (next != null) {
                        machine.set(next);
                    }
                }
            });
        }
    };

    @Test
    void aWarmUpWaitingForABusyCpuIsShownUntilItStartsAsSoonAsTheCpuIsFree() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir, probe)) {
            WarmupScheduler scheduler = start(h, ollama);
            reads(h, 9_000, 0.9);
            scheduler.cpuRecheckMillis(20);
            scheduler.start(3600); // ticks now, then only an hour later: what follows needs no tick
            scheduler.tick().get(30, TimeUnit.SECONDS);
            List<WarmupStatus> sent = h.client.await(h.client.statuses, l -> !l.isEmpty()
                    && l.get(l.size() - 1).heldBack() != null, Duration.ofSeconds(30));
            WarmupStatus held = sent.get(sent.size() - 1);
            assertEquals(1, held.heldBack().size(), held.toString());
            assertTrue(held.heldBack().get(0).startsWith("WMP-4004 Warm-ups wait"), held.toString());
            assertEquals("unloaded", coder(h).state());
            assertEquals(held.heldBack(), h.status().heldBack());

            reads(h, 9_000, 0.05); // the build ended: no tick is due for an hour
            h.client.await(h.client.statuses, l -> warm(List.of(l.get(l.size() - 1)), "coder"), Duration.ofSeconds(30));
            assertNull(h.status().heldBack());
        }
    }

    @Test
    void aLoadThatEndsStartsTheNextOnlyOnceTheCpuIsFree() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir, probe)) {
            var coderGate = ollama.gate("coder");
            var bigGate = ollama.gate("big");
            OneLoading started = oneLoadingOneQueued(h, ollama, 20);
            String loading = started.loading();
            String waiting = started.waiting();
            reads(h, 9_000, 0.9); // the load keeps the CPU busy
            (loading.equals("coder") ? coderGate : bigGate).complete(null);
            h.client.await(h.client.statuses, l -> warm(List.of(l.get(l.size() - 1)), loading), Duration.ofSeconds(30));
            started.scheduler().onSchedulerThread(() -> { }).get(30, TimeUnit.SECONDS); // the load's end handled
            assertEquals("unloaded", state(h, waiting), "started, though the CPU is busier than maxCpuPercent");
            assertTrue(h.status().heldBack().get(0).startsWith("WMP-4004"), h.status().toString());

            reads(h, 9_000, 0.05);
            awaitStarted(h, waiting);
            coderGate.complete(null);
            bigGate.complete(null);
        }
    }

    @Test
    void whenALoadEndsTheCpuIsReadAfreshSoTheNextStartsWithoutWaitingForTheBusyReadingToAge() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir, probe)) {
            var coderGate = ollama.gate("coder");
            var bigGate = ollama.gate("big");
            // no second look at a busy CPU: only the fresh reading can start the queued one
            OneLoading started = oneLoadingOneQueued(h, ollama, 3_600_000);
            reads(h, 9_000, 0.9); // the last sample: the load keeps the CPU busy
            afterRestart.set(new SystemProbe.Snapshot(16_000, 9_000, 0.05)); // once it ends, the CPU is free
            (started.loading().equals("coder") ? coderGate : bigGate).complete(null);
            awaitStarted(h, started.waiting());
            assertNull(afterRestart.get(), "read afresh");
            coderGate.complete(null);
            bigGate.complete(null);
        }
    }

    @Test
    void aMemoryBudgetTheMachineLowersIsShownWithWhatItAllows() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir, probe)) {
            WarmupScheduler scheduler = start(h, ollama);
            reads(h, 2_000, 0.05); // 1,200 MB above the reserve
            scheduler.tick().get(30, TimeUnit.SECONDS);
            List<String> held = h.status().heldBack();
            assertEquals(1, held.size(), String.valueOf(held));
            assertTrue(held.get(0).startsWith("WMP-4005 Memory budget lowered") && held.get(0).contains("about 1200 MB"),
                    held.get(0));
            assertEquals("unloaded", coder(h).state(), "coder's 1,500 MB do not fit in 1,200");

            h.command("warmup.pause");
            assertNull(h.status().heldBack(), "paused: the pause is what holds warming back");
        }
    }

    @Test
    void loadsPastThePerformanceImpactThresholdWaitTheirTurnAndTheStatusSaysWhy() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir, probe, oneCore())) {
            var coderGate = ollama.gate("coder");
            var bigGate = ollama.gate("big");
            JsonObject more = new JsonObject(); // coder's 3 s and big's 20 s of loading: 7.7 % of a core's 5 minutes
            more.addProperty("performanceImpactThreshold", 0.07);
            WarmupScheduler scheduler = startWithBothWanted(h, ollama, more);
            scheduler.start(3600); // ticks now, then only an hour later: what follows needs no tick
            scheduler.tick().get(30, TimeUnit.SECONDS);
            String loading = theOneLoading(h);
            String other = theOther(loading);
            assertEquals("loading", state(h, loading));
            assertEquals("unloaded", state(h, other));
            assertTrue(h.injector.getInstance(WarmupQueue.class).snapshot().stream()
                    .noneMatch(e -> e.model().equals(other)), "left out, not queued behind it");
            List<String> held = h.status().heldBack();
            assertEquals(1, held.size(), String.valueOf(held));
            assertTrue(held.get(0).startsWith("WMP-6001 Schedule trimmed") && held.get(0).contains("not loading "
                    + other + " now") && held.get(0).contains("about 23 s of loading") && held.get(0).contains(
                    "7.7 % of this machine's cores") && held.get(0).contains("performanceImpactThreshold's 7.0 %"),
                    held.get(0));
            ScheduledWarmup previewed = h.server.getWarmupService().predict(new PredictParams(300, null))
                    .get(10, TimeUnit.SECONDS).schedule().tasks().stream().filter(t -> t.model().equals(other))
                    .findFirst().orElseThrow();
            assertEquals(loading.equals("coder") ? 3.0 : 20.0, previewed.startInSeconds(), 1e-9,
                    "the preview has it start once the load under way is expected to end: " + previewed);

            (loading.equals("coder") ? coderGate : bigGate).complete(null);
            h.client.await(h.client.statuses, l -> warm(List.of(l.get(l.size() - 1)), loading),
                    Duration.ofSeconds(30));
            scheduler.onSchedulerThread(() -> { }).get(30, TimeUnit.SECONDS); // the load's end handled
            scheduler.onSchedulerThread(() -> { }).get(30, TimeUnit.SECONDS); // and what it set going at once
            assertTrue(List.of("loading", "warm").contains(state(h, other)), "planned again when the load ended, "
                    + "not at a later tick: " + state(h, other));
            (loading.equals("coder") ? bigGate : coderGate).complete(null);
            h.client.await(h.client.statuses, l -> warm(l, other), Duration.ofSeconds(30)); // alone, it fits
            assertNull(h.status().heldBack());
        }
    }

    @Test
    void aQueuedWarmUpTheImpactThresholdLaterLeavesOutIsTakenOffTheQueueSayingWhy() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir, probe, oneCore());
             LogCapture logged = new LogCapture(QueuedWarmups.class)) {
            WarmupScheduler scheduler = startWithBothWanted(h, ollama, new JsonObject());
            reads(h, 9_000, 0.9); // both wait for the CPU; together 7.7 % of a core's 5 minutes, within 10 %
            scheduler.start(3600);
            scheduler.tick().get(30, TimeUnit.SECONDS);
            WarmupQueue queue = h.injector.getInstance(WarmupQueue.class);
            assertEquals(2, queue.size(), String.valueOf(queue.snapshot()));

            JsonObject lower = new JsonObject();
            lower.addProperty("performanceImpactThreshold", 0.07);
            h.changeSettings(bothWantedSettings(ollama, lower)); // ticks
            String cancelled = logged.awaitFirst("WMP-5002", Duration.ofSeconds(30));
            assertEquals(1, queue.size(), String.valueOf(queue.snapshot()));
            String left = theOther(queue.snapshot().get(0).model());
            assertEquals("WMP-5002 Warm-up cancelled: the prediction was withdrawn, the schedule trimmed, or warming"
                    + " paused: " + left + " (left out for now: with the loads before it, its loading would pass"
                    + " performanceImpactThreshold, WMP-6001)", cancelled);
        }
    }

    @Test
    void aQueueShrunkAtRuntimeShedsTheWarmUpThatNoLongerFitsSaysSoAndCountsIt() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir, probe);
             LogCapture logged = new LogCapture(QueuedWarmups.class)) {
            WarmupScheduler scheduler = startWithBothWanted(h, ollama, new JsonObject());
            reads(h, 9_000, 0.9); // a busy CPU: both warm-ups wait in the queue
            scheduler.tick().get(30, TimeUnit.SECONDS);
            WarmupQueue queue = h.injector.getInstance(WarmupQueue.class);
            assertEquals(2, queue.size());
            JsonObject queueOfOne = new JsonObject();
            queueOfOne.addProperty("maxQueueSize", 1);
            h.server.getWorkspaceService().didChangeConfiguration(new org.eclipse.lsp4j.DidChangeConfigurationParams(
                    com.google.gson.JsonParser.parseString("{\"warmup\": " + bothWantedSettings(ollama, queueOfOne)
                            + "}")));
            String shed = logged.awaitFirst("WMP-5001", Duration.ofSeconds(30));
            assertTrue(shed.contains("queue resized to 1 (maxQueueSize); shed "), shed);
            assertEquals(1, queue.size());
            JsonObject metrics = new com.google.gson.Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject();
            assertEquals(1, metrics.getAsJsonObject("counters").get("queue.shed").getAsLong(), metrics.toString());
        }
    }

    /** The scheduler, the model it is loading and the one queued behind it. */
    private record OneLoading(WarmupScheduler scheduler, String loading, String waiting) {}

    /**
     * Both models wanted, one load at a time: returns once one loads and the other waits in the queue; a busy CPU is
     * looked at again every {@code cpuRecheckMillis}, and no tick is due for an hour.
     */
    private static OneLoading oneLoadingOneQueued(ServerHarness h, FakeOllamaServer ollama, long cpuRecheckMillis)
            throws Exception {
        WarmupScheduler scheduler = startWithBothWanted(h, ollama, new JsonObject());
        h.injector.getInstance(ResourceManager.class).refresh();
        scheduler.cpuRecheckMillis(cpuRecheckMillis);
        scheduler.start(3600); // ticks now, then only an hour later
        h.client.await(h.client.statuses, l -> l.stream().anyMatch(st -> st.models().stream()
                .anyMatch(m -> m.state().equals("loading"))), Duration.ofSeconds(30));
        String loading = theOneLoading(h);
        return new OneLoading(scheduler, loading, theOther(loading));
    }

    /** Waits until the editor hears that {@code model} is no longer unloaded: its load started. */
    private static void awaitStarted(ServerHarness h, String model) throws Exception {
        h.client.await(h.client.statuses, l -> l.stream().anyMatch(st -> st.models().stream()
                .anyMatch(m -> m.id().equals(model) && !m.state().equals("unloaded"))), Duration.ofSeconds(30));
    }

    /** The machine now has {@code availableMb} of its 16,000 MB available and is {@code cpuLoad} busy; read at once. */
    private void reads(ServerHarness h, long availableMb, double cpuLoad) {
        machine.set(new SystemProbe.Snapshot(16_000, availableMb, cpuLoad));
        h.injector.getInstance(ResourceManager.class).refresh();
    }

    /** A machine of one core: loading takes a whole core while it lasts. */
    private static AbstractModule oneCore() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(PerformancePredictor.class).toInstance(new PerformancePredictor(1));
            }
        };
    }

}
