package dev.warmup.server.resources;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;

/** {@link SystemProbe} through OSHI; CPU load is measured between consecutive samples. Not thread-safe. */
public final class OshiProbe implements SystemProbe {
    private static final long MB = 1024 * 1024;
    private final GlobalMemory memory;
    private final CentralProcessor cpu;
    private long[] ticks;

    public OshiProbe() {
        SystemInfo si = new SystemInfo();
        memory = si.getHardware().getMemory();
        cpu = si.getHardware().getProcessor();
        ticks = cpu.getSystemCpuLoadTicks();
    }

    @Override
    public Snapshot sample() {
        double load = cpu.getSystemCpuLoadBetweenTicks(ticks);
        ticks = cpu.getSystemCpuLoadTicks();
        return new Snapshot(memory.getTotal() / MB, memory.getAvailable() / MB, load);
    }

    @Override
    public void restartInterval() {
        ticks = cpu.getSystemCpuLoadTicks();
    }
}
