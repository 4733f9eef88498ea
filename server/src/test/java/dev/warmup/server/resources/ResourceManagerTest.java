package dev.warmup.server.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.config.WarmupSettings;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class ResourceManagerTest {
    private final AtomicReference<SystemProbe.Snapshot> next = new AtomicReference<>();
    private final ResourceManager rm = new ResourceManager(next::get);
    private final WarmupSettings defaults = WarmupSettings.defaults();

    /** Ours holding {@code heldMb}, none of it on a limited backend, with warm-ups waiting or not. */
    private static ResourceManager.Ours ours(long heldMb, boolean waiting) {
        return new ResourceManager.Ours(heldMb, backends -> 0, waiting, backends -> waiting);
    }

    @Test
    void budgetIsTheSettingButNeverMoreThanTheSystemHasAboveItsReserve() {
        assertEquals(2048, rm.memoryBudgetMb(defaults, 0)); // before the first sample: the setting
        next.set(new SystemProbe.Snapshot(16_000, 9_000, 0.1));
        rm.refresh();
        assertEquals(2048, rm.memoryBudgetMb(defaults, 0));
        next.set(new SystemProbe.Snapshot(16_000, 1_500, 0.1)); // reserve: 5 % of 16 GB = 800 MB
        rm.refresh();
        assertEquals(700, rm.memoryBudgetMb(defaults, 0));
        assertEquals(1_700, rm.memoryBudgetMb(defaults, 1_000)); // what we hold counts as ours
        assertFalse(rm.emergency());
    }

    @Test
    void emergencyWhenSystemMemoryIsNearlyExhaustedAndCpuBusyAboveTheSetting() {
        next.set(new SystemProbe.Snapshot(16_000, 700, 0.45));
        rm.refresh();
        assertTrue(rm.emergency());
        assertTrue(rm.cpuBusy(defaults)); // 45 % > maxCpuPercent 30
        next.set(new SystemProbe.Snapshot(16_000, 5_000, 0.2));
        rm.refresh();
        assertFalse(rm.emergency());
        assertFalse(rm.cpuBusy(defaults));
    }

    @Test
    void heldBackSaysWhatTheMachineHoldsBackInWords() {
        assertEquals(List.of(), rm.heldBack(defaults, ours(0, true))); // before the first sample: nothing known
        next.set(new SystemProbe.Snapshot(16_000, 9_000, 0.1));
        rm.refresh();
        assertEquals(List.of(), rm.heldBack(defaults, ours(0, true)));
        next.set(new SystemProbe.Snapshot(16_000, 2_050, 0.45)); // 1,250 MB above the 800 MB reserve
        rm.refresh();
        assertEquals(List.of("WMP-4005 Memory budget lowered: the machine has less memory available than maxMemoryMb:"
                + " our models may hold about 1600 MB now (what they hold, 400 MB, and what is available above a"
                + " reserve of 800 MB), not maxMemoryMb's 2048", "WMP-4004 Warm-ups wait: the CPU is busier than"
                + " maxCpuPercent: queued warm-ups start once it is 30.0 % busy or less"), rm.heldBack(defaults, ours(400, true)));
        assertEquals(1, rm.heldBack(defaults, ours(400, false)).size(), "a busy CPU holds back nothing when nothing waits");
        next.set(new SystemProbe.Snapshot(16_000, 750, 0.1));
        rm.refresh();
        assertEquals(List.of("WMP-4001 System memory nearly exhausted: models unloaded: about 700 MB available, below"
                + " a reserve of 800 MB: no warm-up starts until more is free"), rm.heldBack(defaults, ours(400, true)));
    }

    @Test
    void aFreshSampleRestartsTheProbesIntervalAndIsTheSnapshotWhenItsFutureCompletes() throws Exception {
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        ResourceManager fresh = new ResourceManager(new SystemProbe() {
            @Override
            public Snapshot sample() {
                calls.add("sample");
                return new Snapshot(16_000, 9_000, calls.contains("restart") ? 0.05 : 0.9);
            }

            @Override
            public void restartInterval() {
                calls.add("restart");
            }
        });
        try (fresh) {
            fresh.refresh();
            assertTrue(fresh.cpuBusy(defaults), "the load's seconds in the last sample");
            fresh.sampleAfresh(10).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of("sample", "restart", "sample"), calls);
            assertFalse(fresh.cpuBusy(defaults), "read over the interval after the restart only");
        }
        rm.close();
        assertTrue(rm.sampleAfresh(10).isDone(), "a stopped sampler: done at once, nothing sampled");
    }

    @Test
    void aModelServerThatAnswersAgainIsLookedForAfreshByTheNextSampleAndTillThenTheReadingIsNotForIt()
            throws Exception {
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        ResourceManager sampling = new ResourceManager(new SystemProbe() {
            @Override
            public Snapshot sample() {
                calls.add("sample");
                return new Snapshot(16_000, 9_000, 0.05);
            }

            @Override
            public void lookAgain() {
                calls.add("lookAgain");
            }
        });
        try (sampling) {
            sampling.start(3600); // at once, then not again within the test
            sampling.sampleNow().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(sampling.readFor(defaults));
            sampling.lookAgain();
            assertFalse(sampling.readFor(defaults), "the last sample was before the model server answered");
            sampling.sampleNow().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(sampling.readFor(defaults));
            sampling.sampleNow().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of("lookAgain", "sample", "sample"), calls.subList(calls.size() - 3, calls.size()),
                    "told once, before the sample after the call: " + calls);
        }
    }

    @Test
    void aProbeThatFailsAtEverySampleIsSaidOnceAMinuteAndTheLastReadingStands() {
        AtomicReference<RuntimeException> failing = new AtomicReference<>(new IllegalStateException("no /proc"));
        ResourceManager probed = new ResourceManager(() -> {
            if (failing.get() != null) {
                throw failing.get();
            }
            return new SystemProbe.Snapshot(16_000, 9_000, 0.1);
        }, java.time.Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC));
        try (probed; dev.warmup.server.LogCapture logged = new dev.warmup.server.LogCapture(ResourceManager.class)) {
            failing.set(null);
            probed.refresh();
            failing.set(new IllegalStateException("no /proc"));
            for (int i = 0; i < 5; i++) { // every 5 s in the server
                probed.refresh();
            }
            assertEquals(List.of("WMP-4003 System memory and CPU could not be read: the last reading stands:"
                    + " java.lang.IllegalStateException: no /proc"), logged.messages);
            assertEquals(2048, probed.memoryBudgetMb(defaults, 0), "the last reading stands");
            failing.set(null);
            probed.refresh(); // read again
            failing.set(new IllegalStateException("no /proc"));
            probed.refresh();
            assertEquals(2, logged.messages.size(), "news again once it had been read: " + logged.messages);
        }
    }

    @Test
    void aProbeThatCannotBeMadeIsSaidAndMadeAgainAtTheNextSampleTheServerGoingOn() {
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        ResourceManager probed = new ResourceManager(() -> {
            if (made.incrementAndGet() == 1) { // as JNA's native library failing to load
                throw new UnsatisfiedLinkError("Unable to load library 'c'");
            }
            return () -> new SystemProbe.Snapshot(16_000, 9_000, 0.1);
        }, java.time.Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC));
        try (probed; dev.warmup.server.LogCapture logged = new dev.warmup.server.LogCapture(ResourceManager.class)) {
            assertEquals(0, made.get(), "not made until the first sample");
            probed.refresh();
            assertEquals(List.of("WMP-4003 System memory and CPU could not be read: the last reading stands:"
                    + " java.lang.UnsatisfiedLinkError: Unable to load library 'c'"), logged.messages);
            assertEquals(null, probed.snapshot());
            assertEquals(2048, probed.memoryBudgetMb(defaults, 0), "maxMemoryMb alone");
            probed.refresh();
            probed.refresh();
            assertEquals(2, made.get(), "made again at the next sample, and kept");
            assertEquals(9_000, probed.snapshot().availableMb());
        }
    }

    @Test
    void oshiReadsThisMachine() {
        OshiProbe probe = new OshiProbe();
        SystemProbe.Snapshot s = probe.sample();
        assertNotNull(s);
        probe.restartInterval();
        double load = probe.sample().cpuLoad();
        assertTrue(load >= 0 && load <= 1, "a load over the moment since the restart: " + load);
        assertTrue(s.totalMb() > 0 && s.availableMb() > 0 && s.availableMb() <= s.totalMb(), s.toString());
    }

    @Test
    void aModelServersMemoryLimitBoundsTheModelsOfItsBackendsNotTheMachinesBudget() {
        SystemProbe.MemoryLimit limit = new SystemProbe.MemoryLimit(Set.of("box"), 4096, 1_300, "the 4096 MB limit of"
                + " the cgroup of backend box's model server (port 8080, pid 7, /sys/fs/cgroup/box)");
        next.set(new SystemProbe.Snapshot(16_000, 9_000, 0.1, List.of(limit), List.of()));
        rm.refresh();
        assertEquals(2048, rm.memoryBudgetMb(defaults, 500), "the machine's budget stands for every backend");
        ToLongFunction<Set<String>> held = backends -> backends.contains("box") ? 500 : 0;
        List<LimitBudget> budgets = rm.limitBudgets(held);
        assertEquals(1, budgets.size());
        // the reserve is 5 % of the 4 GB limit: 205 MB; what box's models hold counts as theirs
        assertEquals(205, budgets.get(0).reserveMb());
        assertEquals(500 + 1_300 - 205, budgets.get(0).budgetMb());
        assertFalse(budgets.get(0).nearlyOut());
        assertEquals(List.of("WMP-4005 Memory budget lowered: the machine has less memory available than maxMemoryMb:"
                + " the models of backend box may hold about 1500 MB now (what they hold, 500 MB, and what is"
                + " available above a reserve of 205 MB in " + limit.where() + "), not maxMemoryMb's 2048"),
                rm.heldBack(defaults, new ResourceManager.Ours(500, held, false, b -> false)));

        next.set(new SystemProbe.Snapshot(16_000, 9_000, 0.1,
                List.of(new SystemProbe.MemoryLimit(Set.of("box"), 4096, 150, limit.where())), List.of()));
        rm.refresh();
        assertFalse(rm.emergency(), "the machine is not short of memory");
        assertTrue(rm.limitBudgets(held).get(0).nearlyOut());
        assertEquals(500, rm.limitBudgets(held).get(0).budgetMb(), "nothing more for box's models");
        assertEquals(List.of("WMP-4001 System memory nearly exhausted: models unloaded: about 100 MB available in "
                + limit.where() + ", below a reserve of 205 MB: no warm-up of the models of backend box starts until"
                + " more is free"), rm.heldBack(defaults, new ResourceManager.Ours(500, held, false, b -> false)));
        assertEquals("[{\"backends\":[\"box\"],\"limitMb\":4096,\"availableMb\":150,\"where\":\"" + limit.where()
                + "\"}]", rm.toJson().orElseThrow().get("memoryLimits").toString());
    }

    @Test
    void aModelServersBusyCpuQuotaHoldsBackTheWarmUpsOfItsBackendsModelsOnly() {
        SystemProbe.CpuLimit quota = new SystemProbe.CpuLimit(Set.of("box"), 0.95, 1.5, "the 1.5 CPUs' quota of the"
                + " cgroup of backend box's model server (port 8080, pid 7, /sys/fs/cgroup/box)");
        next.set(new SystemProbe.Snapshot(16_000, 9_000, 0.05, List.of(), List.of(quota)));
        rm.refresh();
        assertFalse(rm.cpuBusy(defaults), "the machine reads 5 % busy");
        assertEquals(Set.of("box"), rm.busyBackends(defaults));
        String held = "WMP-4004 Warm-ups wait: the CPU is busier than maxCpuPercent: queued warm-ups of the models of"
                + " backend box start once " + quota.where() + " is 30.0 % busy or less";
        assertEquals(List.of(held), rm.heldBack(defaults, new ResourceManager.Ours(0, b -> 0, true,
                b -> b.contains("box"))));
        assertEquals(List.of(), rm.heldBack(defaults, new ResourceManager.Ours(0, b -> 0, true, b -> false)),
                "only another backend's warm-ups wait: the quota holds nothing back");
        assertEquals("[{\"backends\":[\"box\"],\"cores\":1.5,\"load\":0.95,\"where\":\"" + quota.where()
                + "\"}]", rm.toJson().orElseThrow().get("cpuLimits").toString());
        next.set(new SystemProbe.Snapshot(16_000, 9_000, 0.05, List.of(), List.of(
                new SystemProbe.CpuLimit(Set.of("box"), 0.2, 1.5, quota.where()))));
        rm.refresh();
        assertEquals(Set.of(), rm.busyBackends(defaults));
    }
}
