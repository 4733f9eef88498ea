package dev.warmup.server.resources;

/** Reads the machine's resources (OSHI in production; tests feed snapshots). */
public interface SystemProbe {
    /**
     * @param totalMb      physical memory
     * @param availableMb  memory available to new allocations
     * @param cpuLoad      system CPU load since the previous sample, in [0, 1] (negative: unknown)
     */
    record Snapshot(long totalMb, long availableMb, double cpuLoad) {}

    Snapshot sample();

    /**
     * Starts a new measuring interval now: the next sample's CPU load covers only what follows (after a load of ours
     * ended, so that its busy seconds do not hold back the next). Called on the thread that samples.
     */
    default void restartInterval() {
    }
}
