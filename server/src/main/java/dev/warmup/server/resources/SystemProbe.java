package dev.warmup.server.resources;

import java.util.List;
import java.util.Set;

/** Reads the machine's resources (OSHI in production; tests feed snapshots). */
public interface SystemProbe {
    /**
     * A memory limit of a model server's cgroup (a container's, a pod's, a systemd unit's) that leaves less than the
     * machine has available: the models of its backends must fit in what it leaves, whatever the machine has.
     *
     * @param backends    the backends served from within the group
     * @param limitMb     the limit
     * @param availableMb what it leaves: the limit less the group's working set
     * @param where       whose limit, in words ("the 1024 MB limit of the cgroup of backend local's model server
     *                    (port 11434, pid 4242, /sys/fs/cgroup/...)")
     */
    record MemoryLimit(Set<String> backends, long limitMb, long availableMb, String where) {
        public MemoryLimit {
            backends = Set.copyOf(backends);
        }
    }

    /**
     * @param totalMb      physical memory
     * @param availableMb  memory available to new allocations
     * @param cpuLoad      system CPU load since the previous sample, in [0, 1] (negative: unknown), or the load of
     *                     the CPU quota that binds the model servers when busier
     * @param cpuLimit     null when the machine's CPU is read; else whose CPU quota the load is of, in words
     * @param memoryLimits the model servers' memory limits that leave less than the machine has available
     */
    record Snapshot(long totalMb, long availableMb, double cpuLoad, String cpuLimit, List<MemoryLimit> memoryLimits) {
        public Snapshot {
            memoryLimits = List.copyOf(memoryLimits);
        }

        /** The machine's memory and CPU. */
        public Snapshot(long totalMb, long availableMb, double cpuLoad) {
            this(totalMb, availableMb, cpuLoad, null, List.of());
        }

        /** With the limits of {@code limits} that leave less than the machine has available. */
        Snapshot withinMemory(List<MemoryLimit> limits) {
            return new Snapshot(totalMb, availableMb, cpuLoad, cpuLimit,
                    limits.stream().filter(l -> l.availableMb() < availableMb).toList());
        }

        /** The CPU load of a quota, where it is busier than this. */
        Snapshot withinCpu(double quotaLoad, String where) {
            return quotaLoad <= cpuLoad ? this : new Snapshot(totalMb, availableMb, quotaLoad, where, memoryLimits);
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
