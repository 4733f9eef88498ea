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
     * A CPU quota of a model server's cgroup that reads busier than the machine: warm-ups of the models of its backends
     * wait while it is busier than {@code maxCpuPercent}, whatever the machine's CPUs read.
     *
     * @param backends the backends served from within the group
     * @param load     the share of the quota used since the last sample, in [0, 1]
     * @param cores    the CPUs' worth of time the quota grants
     * @param where    whose quota, in words ("the 1.5 CPUs' quota of the cgroup of backend local's model server (port
     *                 11434, pid 4242, /sys/fs/cgroup/...)")
     */
    record CpuLimit(Set<String> backends, double load, double cores, String where) {
        public CpuLimit {
            backends = Set.copyOf(backends);
        }
    }

    /**
     * A model server found on this machine, whatever its cgroup's limits: which process serves which backends, and
     * how it was found (behind which forwarder or NAT rule), so that a user can tell why its limits bind or do not.
     *
     * @param backends the backends at its port
     * @param pid      its process (or the one standing for it)
     * @param where    how it was found, in words ("port 11434 forwarded by docker-proxy (pid 812) to 172.17.0.2:11434,
     *                 pid 4242")
     */
    record ModelServer(Set<String> backends, long pid, String where) {
        public ModelServer {
            backends = Set.copyOf(backends);
        }
    }

    /**
     * @param totalMb      physical memory
     * @param availableMb  memory available to new allocations
     * @param cpuLoad      system CPU load since the previous sample, in [0, 1] (negative: unknown)
     * @param memoryLimits the model servers' memory limits that leave less than the machine has available
     * @param cpuLimits    the model servers' CPU quotas that read busier than the machine
     * @param modelServers the model servers found on this machine
     */
    record Snapshot(long totalMb, long availableMb, double cpuLoad, List<MemoryLimit> memoryLimits,
                    List<CpuLimit> cpuLimits, List<ModelServer> modelServers) {
        public Snapshot {
            memoryLimits = List.copyOf(memoryLimits);
            cpuLimits = List.copyOf(cpuLimits);
            modelServers = List.copyOf(modelServers);
        }

        /** The machine's memory and CPU. */
        public Snapshot(long totalMb, long availableMb, double cpuLoad) {
            this(totalMb, availableMb, cpuLoad, List.of(), List.of());
        }

        /** The machine's memory and CPU within the model servers' limits (no model server said to be found). */
        public Snapshot(long totalMb, long availableMb, double cpuLoad, List<MemoryLimit> memoryLimits,
                        List<CpuLimit> cpuLimits) {
            this(totalMb, availableMb, cpuLoad, memoryLimits, cpuLimits, List.of());
        }

        /** With the limits of {@code limits} that leave less than the machine has available. */
        Snapshot withinMemory(List<MemoryLimit> limits) {
            return new Snapshot(totalMb, availableMb, cpuLoad,
                    limits.stream().filter(l -> l.availableMb() < availableMb).toList(), cpuLimits, modelServers);
        }

        /** With the quotas of {@code quotas} that read busier than the machine. */
        Snapshot withinCpu(List<CpuLimit> quotas) {
            return new Snapshot(totalMb, availableMb, cpuLoad, memoryLimits,
                    quotas.stream().filter(q -> q.load() > cpuLoad).toList(), modelServers);
        }

        /** With the model servers found {@code servers}. */
        Snapshot withModelServers(List<ModelServer> servers) {
            return new Snapshot(totalMb, availableMb, cpuLoad, memoryLimits, cpuLimits, servers);
        }
    }

    Snapshot sample();

    /**
     * Starts a new measuring interval now: the next sample's CPU load covers only what follows (after a load of ours
     * ended, so that its busy seconds do not hold back the next). Called on the thread that samples.
     */
    default void restartInterval() {
    }

    /**
     * The model servers may have changed (one that did not answer answers again: started, or started anew as another
     * process): the next sample looks for them afresh rather than stand by what it found before. Called on the thread
     * that samples.
     */
    default void lookAgain() {
    }
}
