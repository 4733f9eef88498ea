package dev.warmup.server.resources;

/** Reads the machine's resources (OSHI in production; tests feed snapshots). */
public interface SystemProbe {
    /**
     * @param totalMb      physical memory
     * @param availableMb  memory available to new allocations
     * @param cpuLoad      system CPU load since the previous sample, in [0, 1] (negative: unknown)
     * @param loadAverage  one-minute load average (negative: unknown, e.g. on Windows)
     * @param ownRssMb     this server's resident set size
     */
    record Snapshot(long totalMb, long availableMb, double cpuLoad, double loadAverage, long ownRssMb) {}

    Snapshot sample();
}
