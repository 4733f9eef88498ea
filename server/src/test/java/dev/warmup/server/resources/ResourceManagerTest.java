package dev.warmup.server.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.config.WarmupSettings;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ResourceManagerTest {
    private final AtomicReference<SystemProbe.Snapshot> next = new AtomicReference<>();
    private final ResourceManager rm = new ResourceManager(next::get);
    private final WarmupSettings defaults = WarmupSettings.defaults();

    @Test
    void budgetIsTheSettingButNeverMoreThanTheSystemHasAboveItsReserve() {
        assertEquals(2048, rm.memoryBudgetMb(defaults, 0)); // before the first sample: the setting
        next.set(new SystemProbe.Snapshot(16_000, 9_000, 0.1, 0.5, 200));
        rm.refresh();
        assertEquals(2048, rm.memoryBudgetMb(defaults, 0));
        next.set(new SystemProbe.Snapshot(16_000, 1_500, 0.1, 0.5, 200)); // reserve: 5 % of 16 GB = 800 MB
        rm.refresh();
        assertEquals(700, rm.memoryBudgetMb(defaults, 0));
        assertEquals(1_700, rm.memoryBudgetMb(defaults, 1_000)); // what we hold counts as ours
        assertFalse(rm.emergency());
    }

    @Test
    void emergencyWhenSystemMemoryIsNearlyExhaustedAndCpuBusyAboveTheSetting() {
        next.set(new SystemProbe.Snapshot(16_000, 700, 0.45, 3.0, 200));
        rm.refresh();
        assertTrue(rm.emergency());
        assertTrue(rm.cpuBusy(defaults)); // 45 % > maxCpuPercent 30
        next.set(new SystemProbe.Snapshot(16_000, 5_000, 0.2, 3.0, 200));
        rm.refresh();
        assertFalse(rm.emergency());
        assertFalse(rm.cpuBusy(defaults));
    }

    @Test
    void oshiReadsThisMachine() {
        SystemProbe.Snapshot s = new OshiProbe().sample();
        assertNotNull(s);
        assertTrue(s.totalMb() > 0 && s.availableMb() > 0 && s.availableMb() <= s.totalMb(), s.toString());
        assertTrue(s.ownRssMb() > 0, s.toString());
    }
}
