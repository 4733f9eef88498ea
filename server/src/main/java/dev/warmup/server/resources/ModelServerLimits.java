package dev.warmup.server.resources;

import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.Loopback;
import dev.warmup.server.config.WarmupSettings;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The limits the cgroups of the configured model servers on this machine set (a dev container's or a Kubernetes
 * pod's, a systemd unit's {@code MemoryMax} or {@code CPUQuota}): the machine's readings say nothing of them. A model
 * server loading past its memory limit is killed, or thrashes; one whose CPU quota is spent slows the developer's
 * tools in the same container. For each backend at a loopback address, the process listening on its port
 * ({@link ListeningProcess}), the headroom of its cgroups ({@link CgroupMemory}) and how busy they keep its CPU quota
 * ({@link CgroupCpu}): the tightest memory and the busiest quota bound the machine's readings. A model server not found
 * (another user's process, one outside this process's PID namespace: a pod's other container, the host of a container
 * sharing its network) or in no limited group bounds nothing. Linux only; elsewhere it finds nothing. Called on the
 * resource sampler's thread.
 */
final class ModelServerLimits {
    private static final Logger LOG = Logger.getLogger(ModelServerLimits.class.getName());

    /**
     * @param limitMb     the memory limit that binds
     * @param availableMb what it leaves
     * @param where       whose limit, in words: the backend, its port, its process and the group
     */
    record Memory(long limitMb, long availableMb, String where) {}

    /**
     * @param load  the share of the quota used since the last sample, in [0, 1]
     * @param cores the CPUs' worth the quota grants
     * @param where whose quota, in words
     */
    record Cpu(double load, double cores, String where) {}

    private final Supplier<WarmupSettings> settings;
    private final ListeningProcess listeners;
    private final CgroupMemory memory;
    private final CgroupCpu cpu;
    private final Set<Long> lastSeen = new HashSet<>(); // the model servers' processes the last sample found
    private String memorySaid; // what the log last said, so that it says each change once
    private String cpuSaid;

    @Inject
    ModelServerLimits(ConfigurationManager config) {
        this(config::current, Path.of("/"));
    }

    /** @param root the file system's root: "/" but in tests */
    ModelServerLimits(Supplier<WarmupSettings> settings, Path root) {
        this.settings = settings;
        this.listeners = new ListeningProcess(root, System::nanoTime);
        CgroupPaths paths = new CgroupPaths(root);
        this.memory = new CgroupMemory(paths);
        this.cpu = new CgroupCpu(paths, System::nanoTime);
    }

    /** The machine's reading {@code machine} within the tightest memory and the busiest CPU quota found. */
    SystemProbe.Snapshot bound(SystemProbe.Snapshot machine) {
        Memory tightest = null;
        Cpu busiest = null;
        Map<Long, String> servers = servers(); // once each, though several backends name it: a CPU look is a delta
        lastSeen.clear();
        lastSeen.addAll(servers.keySet());
        for (Map.Entry<Long, String> server : servers.entrySet()) {
            long pid = server.getKey();
            String who = server.getValue();
            Optional<Memory> m = memory.of(pid).map(h -> new Memory(h.limitMb(), h.availableMb(),
                    "the cgroup of " + who + ", " + h.group() + ")"));
            if (m.isPresent() && (tightest == null || m.get().availableMb() < tightest.availableMb())) {
                tightest = m.get();
            }
            Optional<Cpu> c = cpu.of(pid).map(l -> new Cpu(l.load(), l.cores(), String.format(Locale.ROOT,
                    "the %.1f CPUs' quota of the cgroup of %s, %s)", l.cores(), who, l.group())));
            if (c.isPresent() && (busiest == null || c.get().load() > busiest.load())) {
                busiest = c.get();
            }
        }
        say(tightest, busiest);
        SystemProbe.Snapshot s = machine;
        if (tightest != null) {
            s = s.withinMemory(tightest.limitMb(), tightest.availableMb(),
                    "the " + tightest.limitMb() + " MB limit of " + tightest.where());
        }
        return busiest == null ? s : s.withinCpu(busiest.load(), busiest.where());
    }

    /** The next sample's CPU loads cover only what follows now. */
    void restartInterval() {
        lastSeen.forEach(cpu::restart);
    }

    /**
     * The processes serving the backends at loopback addresses, each with the first backend found on it in words
     * ("backend local's model server (port 11434, pid 4242"); each port looked at once.
     */
    private Map<Long, String> servers() {
        Map<Long, String> out = new LinkedHashMap<>();
        Set<Integer> looked = new HashSet<>();
        for (Map.Entry<String, BackendSpec> e : settings.get().backends().entrySet()) {
            OptionalInt port = loopbackPort(e.getValue());
            if (port.isPresent() && looked.add(port.getAsInt())) {
                listeners.on(port.getAsInt()).ifPresent(pid -> out.putIfAbsent(pid, "backend " + e.getKey()
                        + "'s model server (port " + port.getAsInt() + ", pid " + pid));
            }
        }
        return out;
    }

    /** The port of a backend at a loopback address; empty for another machine's, or the client. */
    private static OptionalInt loopbackPort(BackendSpec spec) {
        if (BackendSpec.CLIENT.equals(spec.type())) {
            return OptionalInt.empty();
        }
        URI url;
        try {
            url = URI.create(spec.url());
        } catch (IllegalArgumentException e) {
            return OptionalInt.empty();
        }
        if (!Loopback.isLoopbackHost(url.getHost())) {
            return OptionalInt.empty(); // another machine's limits
        }
        return OptionalInt.of(url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80);
    }

    private void say(Memory m, Cpu c) {
        String memoryWhere = m == null ? null : m.where();
        if (!Objects.equals(memoryWhere, memorySaid)) {
            LOG.info(m != null ? "memory: " + memoryWhere + " is limited to " + m.limitMb() + " MB, " + m.availableMb()
                    + " MB of it available: the memory budget keeps within it"
                    : "memory: no model server found in a cgroup with a memory limit: the machine's reading alone"
                    + " bounds the memory budget");
            memorySaid = memoryWhere;
        }
        String cpuWhere = c == null ? null : c.where();
        if (!Objects.equals(cpuWhere, cpuSaid)) {
            LOG.info(c != null ? "cpu: warm-ups also wait while " + cpuWhere + " is busier than maxCpuPercent"
                    : "cpu: no model server found in a cgroup with a CPU quota: the machine's reading alone says"
                    + " whether the CPU is busy");
            cpuSaid = cpuWhere;
        }
    }
}
