package dev.warmup.server.resources;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/** {@link SystemProbe} through OSHI; CPU load is measured between consecutive samples. Not thread-safe. */
public final class OshiProbe implements SystemProbe {
    private static final long MB = 1024 * 1024;
    private final GlobalMemory memory;
    private final CentralProcessor cpu;
    private final OperatingSystem os;
    private long[] ticks;

    public OshiProbe() {
        SystemInfo si = new SystemInfo();
        memory = si.getHardware().getMemory();
        cpu = si.getHardware().getProcessor();
        os = si.getOperatingSystem();
        ticks = cpu.getSystemCpuLoadTicks();
    }

    @Override
    public Snapshot sample() {
        double load = cpu.getSystemCpuLoadBetweenTicks(ticks);
        ticks = cpu.getSystemCpuLoadTicks();
        OSProcess self = os.getProcess(os.getProcessId());
        return new Snapshot(memory.getTotal() / MB, memory.getAvailable() / MB, load,
                cpu.getSystemLoadAverage(1)[0], self == null ? -1 : self.getResidentSetSize() / MB);
    }
}
