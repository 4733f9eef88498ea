package dev.warmup.server.resources;

import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.Loopback;
import dev.warmup.server.config.WarmupSettings;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The limits the cgroups of the configured model servers on this machine set (a dev container's or a Kubernetes
 * pod's, a systemd unit's {@code MemoryMax} or {@code CPUQuota}): the machine's readings say nothing of them. A model
 * server loading past its memory limit is killed, or thrashes; one whose CPU quota is spent slows the developer's
 * tools in the same container. For each backend at a loopback address, the process listening on its port
 * ({@link ListeningProcess}), the headroom of its cgroups ({@link CgroupMemory}) and how busy they keep its CPU quota
 * ({@link CgroupCpu}): each group's memory limit that leaves less than the machine has bounds the models of the backends
 * served from within it, and its quota, where busier than the machine, holds back their warm-ups. Behind a container's
 * published port (docker-proxy, pasta, rootless Docker's RootlessKit, Podman 4's rootlessport), the container's model
 * server ({@link PublishedPort}); behind a NAT rule (nothing listens on the port here, yet it takes connections), the
 * one whose network the connection made ends in ({@link NattedPort}). A model server not found
 * (another user's process, one outside this process's PID namespace: a pod's other container, the host of a container
 * sharing its network; one behind another forwarder) or in no limited group bounds nothing. Linux only; elsewhere it
 * finds nothing. Called on the resource sampler's thread.
 */
final class ModelServerLimits {
    private static final Logger LOG = Logger.getLogger(ModelServerLimits.class.getName());

    private final Supplier<WarmupSettings> settings;
    private final ListeningProcess listeners;
    private final PublishedPort containers;
    private final NattedPort natted;
    private final CgroupPaths paths;
    private final CgroupMemory memory;
    private final CgroupCpu cpu;
    private final CgroupCpuset cpuset;
    /**
     * Programs that forward a port to a model server elsewhere (a container's network, another machine): Docker's and
     * rootless Podman's port forwarders, pasta (as pasta.avx2 too), slirp4netns, gvproxy, kubectl port-forward, ssh -L
     * (and sshd for a tunnel opened from elsewhere with ssh -R), socat. The process listening is then not the model
     * server, and its group's limits are not the model server's; behind docker-proxy, pasta, RootlessKit (and
     * slirp4netns, rootless Docker's other port driver) and Podman 4's rootlessport it is looked for.
     */
    static final Set<String> FORWARDERS = Set.of("docker-proxy", "rootlessport", "containers-rootlessport",
            "rootlesskit", "slirp4netns", "pasta", "pasta.avx2", "gvproxy", "kubectl", "ssh", "sshd", "socat");

    private final Path root;
    private final Set<Long> lastSeen = new HashSet<>(); // the model servers' processes the last sample found
    private String forwardedSaid; // the backends last said to be behind a forwarder
    private final Map<Long, String> programs = new HashMap<>(); // of the listeners the last sample found
    private String memorySaid; // what the log last said, so that it says each change once
    private String cpuSaid;
    private String serversSaid;

    @Inject
    ModelServerLimits(ConfigurationManager config) {
        this(config::current, Path.of("/"), System::nanoTime, ModelServerLimits::pause, LoopbackConnector.REAL);
    }

    /**
     * Over hand-made files (tests, benchmarks): no connection is made to this machine's ports, whose model servers
     * these files do not describe.
     *
     * @param root the file system's root
     */
    ModelServerLimits(Supplier<WarmupSettings> settings, Path root) {
        this(settings, root, System::nanoTime, ModelServerLimits::pause, LoopbackConnector.REFUSED);
    }

    /** Over hand-made files, with the test's clock and pauses; no connection is made. */
    ModelServerLimits(Supplier<WarmupSettings> settings, Path root, LongSupplier nanoTime, LongConsumer pauseMillis) {
        this(settings, root, nanoTime, pauseMillis, LoopbackConnector.REFUSED);
    }

    /**
     * @param root        the file system's root: "/" but in tests
     * @param nanoTime    the monotonic clock the readers time their answers and CPU intervals by
     * @param pauseMillis waits between a first look's two CPU readings (the sampler's thread sleeps)
     * @param connector   opens the connection that finds a model server behind a NAT rule
     */
    ModelServerLimits(Supplier<WarmupSettings> settings, Path root, LongSupplier nanoTime, LongConsumer pauseMillis,
                      LoopbackConnector connector) {
        this.settings = settings;
        this.root = root;
        this.listeners = new ListeningProcess(root, nanoTime);
        this.containers = new PublishedPort(root, nanoTime, connector, pauseMillis);
        this.natted = new NattedPort(root, nanoTime, connector);
        this.paths = new CgroupPaths(root);
        this.memory = new CgroupMemory(paths);
        this.cpu = new CgroupCpu(paths, nanoTime, pauseMillis);
        this.cpuset = new CgroupCpuset(root, paths, pauseMillis);
    }

    /**
     * The machine's reading {@code machine} with the memory limits, the CPU quotas and the cpusets of the model servers'
     * groups (one per group, naming every backend served from within it) that bind more than the machine.
     */
    SystemProbe.Snapshot bound(SystemProbe.Snapshot machine) {
        Map<Path, SystemProbe.MemoryLimit> limits = new LinkedHashMap<>();
        Map<String, SystemProbe.CpuLimit> quotas = new LinkedHashMap<>(); // "quota "/"cpuset " and the group
        Map<Long, Server> servers = servers(); // once each, though several backends name it: a CPU look is a delta
        lastSeen.clear();
        lastSeen.addAll(servers.keySet());
        for (Map.Entry<Long, Server> server : servers.entrySet()) {
            long pid = server.getKey();
            String who = server.getValue().who();
            Optional<CgroupPaths.Membership> groups = paths.membership(pid); // read once for every controller
            groups.flatMap(memory::of).ifPresent(h -> limits.merge(h.group(), new SystemProbe.MemoryLimit(
                    server.getValue().backends(), h.limitMb(), h.availableMb(),
                    "the " + h.limitMb() + " MB limit of the cgroup of " + who + ", " + h.group() + ")"),
                    ModelServerLimits::sameGroup));
            Set<String> backends = server.getValue().backends();
            groups.flatMap(cpu::of).ifPresent(l -> quotas.merge("quota " + l.group(), new SystemProbe.CpuLimit(backends,
                    l.load(), l.cores(), String.format(Locale.ROOT, "the %.1f CPUs' quota of the cgroup of %s, %s)",
                    l.cores(), who, l.group())), ModelServerLimits::sameQuota));
            groups.flatMap(cpuset::of).ifPresent(l -> quotas.merge("cpuset " + l.group(), new SystemProbe.CpuLimit(
                    backends, l.load(), l.count(), "the cpuset of the cgroup of " + who + ", " + l.group() + ": CPU"
                    + (l.count() == 1 ? " " : "s ") + l.cpus() + ", " + l.count() + " of the machine's "
                    + l.machineCpus() + ")"), ModelServerLimits::sameQuota));
        }
        SystemProbe.Snapshot s = machine.withinMemory(List.copyOf(limits.values()));
        say(s.memoryLimits(), List.copyOf(quotas.values()));
        return s.withinCpu(List.copyOf(quotas.values())).withModelServers(servers.entrySet().stream()
                .map(e -> new SystemProbe.ModelServer(e.getValue().backends(), e.getKey(), e.getValue().found()))
                .toList());
    }

    /** Two model servers in one group: one limit, for the backends of both, named by the first. */
    private static SystemProbe.MemoryLimit sameGroup(SystemProbe.MemoryLimit first, SystemProbe.MemoryLimit second) {
        return new SystemProbe.MemoryLimit(both(first.backends(), second.backends()), first.limitMb(),
                first.availableMb(), first.where());
    }

    /** Two model servers in one group: one quota (or cpuset), for the backends of both, read and named by the first. */
    private static SystemProbe.CpuLimit sameQuota(SystemProbe.CpuLimit first, SystemProbe.CpuLimit second) {
        return new SystemProbe.CpuLimit(both(first.backends(), second.backends()), first.load(), first.cores(),
                first.where());
    }

    private static Set<String> both(Set<String> first, Set<String> second) {
        Set<String> backends = new TreeSet<>(first);
        backends.addAll(second);
        return backends;
    }

    /** The next sample looks for the model servers afresh: which process listens, and what is behind a forwarder. */
    void lookAgain() {
        listeners.forget();
        containers.forget();
        natted.forget();
    }

    /** Sleeps on the sampler's thread (a first look at a CPU quota); an interrupt ends it, and is kept. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next sample's CPU loads cover only what follows now. */
    void restartInterval() {
        lastSeen.forEach(pid -> paths.membership(pid).ifPresent(m -> {
            cpu.restart(m);
            cpuset.restart(m);
        }));
    }

    /**
     * A model server's process.
     *
     * @param backend  the first backend found on it
     * @param found    how, in words ("port 11434, pid 4242")
     * @param backends every backend it serves
     */
    private record Server(String backend, String found, Set<String> backends) {
        /** In words: "backend local's model server (port 11434, pid 4242". */
        String who() {
            return "backend " + backend + "'s model server (" + found;
        }
    }

    /**
     * The processes serving the backends at loopback addresses; each port looked at once. A port forwarder found
     * listening is not taken for the model server: behind docker-proxy, pasta, rootless Docker's and Podman 4's
     * rootless forwarders it is looked for; behind the others, or not found, none is (said once). Where nothing
     * listens, a NAT rule may publish the port: the model server is looked for where a connection to it ends.
     */
    private Map<Long, Server> servers() {
        Map<Long, Server> out = new LinkedHashMap<>();
        Map<String, String> forwarded = new TreeMap<>(); // backend: the forwarder, in words
        Map<Integer, OptionalLong> looked = new HashMap<>();
        for (Map.Entry<String, BackendSpec> e : settings.get().backends().entrySet()) {
            OptionalInt port = loopbackPort(e.getValue());
            if (port.isEmpty()) {
                continue;
            }
            OptionalLong pid = looked.computeIfAbsent(port.getAsInt(), listeners::on);
            String program = pid.isPresent() ? program(pid.getAsLong()) : "";
            Optional<PublishedPort.Target> container = PublishedPort.follows(program) // a container's port
                    ? containers.behind(pid.getAsLong(), program, port.getAsInt()) : Optional.empty();
            if (container.isPresent()) {
                serving(out, e.getKey(), container.get().pid(), "port " + port.getAsInt() + " forwarded by "
                        + program + " (pid " + pid.getAsLong() + ") to " + container.get().address());
            } else if (FORWARDERS.contains(program)) {
                forwarded.put(e.getKey(),
                        "port " + port.getAsInt() + ", " + program + " (pid " + pid.getAsLong() + ")");
            } else if (pid.isPresent()) {
                serving(out, e.getKey(), pid.getAsLong(), "port " + port.getAsInt());
            } else if (listeners.nothingListens(port.getAsInt())) { // yet a NAT rule may take connections there
                natted.behind(port.getAsInt()).ifPresent(t -> serving(out, e.getKey(), t.pid(), "port "
                        + port.getAsInt() + " published by a NAT rule to " + t.address()));
            }
        }
        Set<Long> listening = looked.values().stream().filter(OptionalLong::isPresent).map(OptionalLong::getAsLong)
                .collect(Collectors.toSet());
        programs.keySet().retainAll(listening);
        containers.retain(listening);
        natted.retain(looked.keySet());
        sayForwarded(forwarded);
        List<String> found = out.values().stream().map(s -> "model server of backend " + String.join(", ",
                s.backends()) + " found: " + s.found()).toList();
        serversSaid = sayOnChange(serversSaid, String.join("; ", found), found, null);
        return out;
    }

    /** Adds {@code backend} to the backends model server {@code pid} serves, found at {@code where} (words). */
    private static void serving(Map<Long, Server> servers, String backend, long pid, String where) {
        servers.computeIfAbsent(pid, n -> new Server(backend, where + ", pid " + n, new TreeSet<>())).backends()
                .add(backend);
    }

    /**
     * The name of process {@code pid}'s program ({@code /proc/PID/comm}; empty when unreadable), read once while it
     * listens.
     */
    private String program(long pid) {
        return programs.computeIfAbsent(pid, p -> ProcFiles.program(root.resolve("proc/" + p)));
    }

    private void sayForwarded(Map<String, String> forwarded) {
        forwardedSaid = sayOnChange(forwardedSaid, forwarded.isEmpty() ? null : forwarded.toString(),
                forwarded.entrySet().stream().map(f -> "memory and cpu: backend " + f.getKey() + "'s " + f.getValue()
                        + " forwards the port to a model server elsewhere (a container's network, another machine):"
                        + " its cgroup's limits cannot be read from here; keep maxMemoryMb within its memory limit")
                        .toList(), null);
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

    private void say(List<SystemProbe.MemoryLimit> limits, List<SystemProbe.CpuLimit> quotas) {
        memorySaid = sayOnChange(memorySaid, limits.isEmpty() ? null
                : limits.stream().map(SystemProbe.MemoryLimit::where).collect(Collectors.joining("; ")),
                limits.stream().map(l -> "memory: " + l.where() + " leaves " + l.availableMb() + " MB: the models of"
                        + " backend " + String.join(", ", l.backends()) + " keep within it").toList(),
                "memory: no model server found in a cgroup with a memory limit that leaves less than the machine has"
                        + " available: the machine's reading alone bounds the memory budget");
        cpuSaid = sayOnChange(cpuSaid, quotas.isEmpty() ? null
                : quotas.stream().map(SystemProbe.CpuLimit::where).collect(Collectors.joining("; ")),
                quotas.stream().map(q -> "cpu: warm-ups of the models of backend " + String.join(", ", q.backends())
                        + " also wait while " + q.where() + " is busier than maxCpuPercent").toList(),
                "cpu: no model server found in a cgroup with a CPU quota: the machine's reading alone says whether"
                        + " the CPU is busy");
    }

    /**
     * Logs {@code lines} (none: {@code whenNone}, if any) when {@code now}, what they are about, differs from
     * {@code said}, what the log last said; returns what it has now said, so that each change is said once.
     */
    private static String sayOnChange(String said, String now, List<String> lines, String whenNone) {
        if (!Objects.equals(now, said)) {
            if (lines.isEmpty() && whenNone != null) {
                LOG.info(whenNone);
            }
            lines.forEach(LOG::info);
        }
        return now;
    }
}
