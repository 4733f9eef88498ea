package dev.warmup.server.resources;

/** Reads the machine's resources (OSHI in production; tests feed snapshots). */
public interface SystemProbe {
    /**
     * @param totalMb      physical memory, or the memory limit that binds the model servers when lower
     * @param availableMb  memory available to new allocations
     * @param cpuLoad      system CPU load since the previous sample, in [0, 1] (negative: unknown), or the load of
     *                     the CPU quota that binds the model servers when busier
     * @param memoryLimit  null when the machine's memory is read; else the memory limit the figures are of, in words
     * @param cpuLimit     null when the machine's CPU is read; else whose CPU quota the load is of, in words
     */
    record Snapshot(long totalMb, long availableMb, double cpuLoad, String memoryLimit, String cpuLimit) {
        /** The machine's memory and CPU. */
        public Snapshot(long totalMb, long availableMb, double cpuLoad) {
            this(totalMb, availableMb, cpuLoad, null, null);
        }

        /** The memory within a limit of {@code limitMb} that leaves {@code leftMb}, where it leaves less than this. */
        Snapshot withinMemory(long limitMb, long leftMb, String where) {
            return leftMb >= availableMb ? this
                    : new Snapshot(Math.min(totalMb, limitMb), leftMb, cpuLoad, where, cpuLimit);
        }

        /** The CPU load of a quota, where it is busier than this. */
        Snapshot withinCpu(double quotaLoad, String where) {
            return quotaLoad <= cpuLoad ? this : new Snapshot(totalMb, availableMb, quotaLoad, memoryLimit, where);
        }
    }

    Snapshot sample();

    /**
     * Starts a new measuring interval now: the next sample's CPU load covers only what follows (after a load of ours
     * ended, so that its busy seconds do not hold back the next). Called on the thread that samples.
     */
    default void restartInterval() {
    }
}
