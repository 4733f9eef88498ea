package dev.warmup.server.metrics;

import com.google.gson.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * What this server costs the machine, for the metrics report's {@code process}: resident memory and CPU time (OSHI,
 * read when asked), the peak resident memory so far (Linux's /proc, {@link ProcStatus}), heap in use and its limit,
 * live threads (the JVM's own beans). What the operating system does not say is left out.
 */
final class ServerFootprint {
    private static final long MB = 1024 * 1024;
    private OperatingSystem os; // made at the first report: OSHI takes a moment to set up

    synchronized JsonObject toJson() {
        JsonObject o = new JsonObject();
        OSProcess self = self();
        if (self != null) {
            o.addProperty("residentMb", self.getResidentSetSize() / MB);
            o.addProperty("cpuSeconds", (self.getUserTime() + self.getKernelTime()) / 1000.0);
        }
        ProcStatus.peakResidentKb(ProcessHandle.current().pid()).ifPresent(kb -> o.addProperty("peakResidentMb",
                kb / 1024));
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        o.addProperty("heapUsedMb", heap.getUsed() / MB);
        if (heap.getMax() > 0) {
            o.addProperty("heapMaxMb", heap.getMax() / MB);
        }
        o.addProperty("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        return o;
    }

    private OSProcess self() {
        try {
            if (os == null) {
                os = new SystemInfo().getOperatingSystem();
            }
            return os.getCurrentProcess();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
