package dev.warmup.server.resources;

import dev.warmup.server.resources.ForwarderCommandLine.Forward;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The model server behind a container's published port. {@code docker run -p 11434:11434 ollama/ollama} has
 * {@code docker-proxy} listen on the machine's port, rootless {@code podman run -p ...} has {@code pasta}; the
 * container's processes have a network of their own, whose sockets are in their {@code /proc/PID/net/tcp} and
 * {@code tcp6}, files every user may read, and the forwarder's command line says which network it is
 * ({@link ForwarderCommandLine}). Docker's is the one whose own address is the container's ({@code
 * /proc/PID/net/fib_trie} for IPv4, {@code if_inet6} for IPv6, readable by all too); pasta's, the namespace it names
 * ({@code /proc/PID/ns/net}, readable for one's own processes, as a rootless container's are). The model server is
 * the process of that network holding the socket that listens on the container's port; where its descriptors cannot
 * be read (a container's root is another user), the lowest of that network's processes stands for it when all of them
 * are in one cgroup (a container's are). Rootless Docker's RootlessKit forwards the machine's port to the same port in
 * its own network, where docker-proxy publishes the container's: the model server is looked for behind that
 * docker-proxy ({@link #ROOTLESS_DOCKER}). Podman 4's rootless forwarder starts a child in the container's network:
 * the model server is the process listening there ({@link #ROOTLESSPORT}). In the walk by address, a network
 * namespace whose link can be read is looked at once, and this process's own not at all. An answer stands while the
 * forwarder and the process found run; none found, for {@link #LOOK_AGAIN_NANOS}. Not thread-safe.
 */
final class PublishedPort {
    /**
     * Rootless Docker's port forwarders: RootlessKit's own port driver (the default) and slirp4netns's, which forward
     * the machine's port into RootlessKit's network, where docker-proxy publishes the container's.
     */
    static final Set<String> ROOTLESS_DOCKER = Set.of("rootlesskit", "slirp4netns");
    /**
     * Podman 4's rootless port forwarder (run again as {@code /proc/self/exe}, named by its first argument): its child
     * ({@code containers-rootlessport-child}) runs in the container's network, and dials the container's port there.
     */
    static final Set<String> ROOTLESSPORT = Set.of("rootlessport", "containers-rootlessport");
    /** How long "none found" stands before the processes are walked again. */
    static final long LOOK_AGAIN_NANOS = ListeningProcess.LOOK_AGAIN_NANOS;

    /**
     * The model server found.
     *
     * @param pid     its process (or the one standing for it)
     * @param address where the forwarder sends the port, in words ({@link Forward#address()})
     */
    record Target(long pid, String address) {}

    private record Key(long forwarder, int port) {}

    /** How long a connection made behind Podman 4's forwarder is watched for the socket its child hands back. */
    static final long TRACE_MILLIS = 500;
    private static final long TRACE_STEP_MILLIS = 10;

    private final Path root;
    private final LoopbackConnector connector;
    private final LongConsumer pauseMillis;
    private final TargetAnswers<Key> found;

    /** Over hand-made files: no connection is made. */
    PublishedPort(Path root, LongSupplier nanoTime) {
        this(root, nanoTime, LoopbackConnector.REFUSED, millis -> { });
    }

    /**
     * @param root        the file system's root: "/" but in tests
     * @param nanoTime    the monotonic clock "none found" ages on
     * @param connector   makes the connection that shows where Podman 4's forwarder sends the port
     * @param pauseMillis waits while that connection is watched (the sampler's thread sleeps)
     */
    PublishedPort(Path root, LongSupplier nanoTime, LoopbackConnector connector, LongConsumer pauseMillis) {
        this.root = root;
        this.found = new TargetAnswers<>(root, nanoTime);
        this.connector = connector;
        this.pauseMillis = pauseMillis;
    }

    /** Whether a model server is looked for behind a forwarder running {@code program}. */
    static boolean follows(String program) {
        return ForwarderCommandLine.reads(program) || ROOTLESS_DOCKER.contains(program)
                || ROOTLESSPORT.contains(program);
    }

    /**
     * The model server forwarder {@code pid}, running {@code program}, sends the machine's {@code port} to; empty when
     * none is found.
     */
    Optional<Target> behind(long pid, String program, int port) {
        return found.get(new Key(pid, port), () -> ROOTLESS_DOCKER.contains(program) ? throughDockerProxy(pid, port)
                : ROOTLESSPORT.contains(program) ? besideRootlessportChild(pid, port) : follow(pid, program, port));
    }

    private Optional<Target> follow(long pid, String program, int port) {
        return ForwarderCommandLine.of(root, pid, program, port)
                .flatMap(f -> (f.ip() != null ? byAddress(f) : inNamespace(f, pid))
                        .map(server -> new Target(server, f.address())));
    }

    /**
     * Rootless Docker's model server: RootlessKit's port driver (or slirp4netns, its other one) forwards the machine's
     * {@code port} to the same port in RootlessKit's network, where docker-proxy listens and forwards to the container.
     * That docker-proxy is the one (of another network than this process's) whose command line publishes {@code port};
     * of several, the one descended from {@code forwarder}.
     */
    private Optional<Target> throughDockerProxy(long forwarder, int port) {
        String own = ProcFiles.namespace(root.resolve("proc/self"));
        List<Long> proxies = new ArrayList<>();
        for (long pid : ProcFiles.processes(root)) {
            Path proc = root.resolve("proc/" + pid);
            if (ForwarderCommandLine.DOCKER_PROXY.equals(ProcFiles.program(proc))
                    && !Objects.equals(own, ProcFiles.namespace(proc))
                    && ForwarderCommandLine.dockerProxyHostPort(root, pid).equals(OptionalInt.of(port))) {
                proxies.add(pid);
            }
        }
        if (proxies.size() > 1) {
            proxies.removeIf(pid -> !descends(pid, forwarder));
        }
        if (proxies.size() != 1) {
            return Optional.empty();
        }
        long proxy = proxies.get(0);
        return follow(proxy, ForwarderCommandLine.DOCKER_PROXY, port).map(t -> new Target(t.pid(),
                t.address() + " through docker-proxy (pid " + proxy + ")"));
    }

    /**
     * Podman 4's rootless container, found from the child {@code forwarder} started in a network of its own (the
     * container's, or with a network of Podman's, that network's). The container's address and port are in the
     * configuration Podman gives the forwarder on its input, not in a command line, so a connection made to
     * {@code port} shows them ({@link #dialed}); where it does not, the process of the child's network listening on a
     * port is taken, when it listens on one only.
     */
    private Optional<Target> besideRootlessportChild(long forwarder, int port) {
        List<Path> all = ProcFiles.processes(root).stream().map(pid -> root.resolve("proc/" + pid)).toList();
        Optional<Path> child = all.stream().filter(p -> ProcFiles.parent(p) == forwarder && child(p)).findFirst();
        String network = child.map(ProcFiles::namespace).orElse(null);
        if (network == null) {
            return Optional.empty();
        }
        List<Long> members = new ArrayList<>();
        for (Path proc : all) {
            if (network.equals(ProcFiles.namespace(proc)) && !child(proc)) {
                members.add(Long.parseLong(proc.getFileName().toString()));
            }
        }
        Path net = child.get().resolve("net");
        Optional<ProcFiles.Endpoint> to = dialed(root.resolve("proc/" + forwarder), port, net);
        if (to.isPresent()) {
            Forward f = new Forward(to.get().address(), null, to.get().port());
            Set<Long> here = ProcFiles.listeningIn(net, f.port(), a -> a.isAnyLocalAddress() || a.equals(f.ip()))
                    .keySet(); // the child's network is the container's (slirp4netns), or one of Podman's (a bridge)
            return (here.isEmpty() || members.isEmpty() ? byAddress(f) : ProcFiles.holder(root, members, here))
                    .map(pid -> new Target(pid, f.address()));
        }
        Map<Integer, Set<Long>> ports = members.isEmpty() ? Map.of()
                : ProcFiles.listeningPorts(root.resolve("proc/" + members.get(0) + "/net"));
        if (ports.size() != 1) {
            return Optional.empty();
        }
        Map.Entry<Integer, Set<Long>> only = ports.entrySet().iterator().next();
        return ProcFiles.holder(root, members, only.getValue()).map(pid -> new Target(pid,
                new Forward(null, network, only.getKey()).address()));
    }

    /**
     * Where Podman 4's forwarder sends a connection to the machine's {@code port}: it takes it, and its child, in
     * network {@code net}, dials the container and hands the socket back to it (RootlessKit's builtin port driver).
     * So this connects (sending nothing), and of the sockets the forwarder {@code proc} holds that it did not before,
     * the one in {@code net}'s tables has the container's address and port at its far end; watched for up to
     * {@link #TRACE_MILLIS}.
     */
    private Optional<ProcFiles.Endpoint> dialed(Path proc, int port, Path net) {
        Set<Long> before = ProcFiles.sockets(proc);
        try {
            LoopbackConnector.Connection ours = connector.open(port);
            try (Closeable socket = ours.socket()) {
                for (long waited = 0; waited <= TRACE_MILLIS; waited += TRACE_STEP_MILLIS) {
                    Set<Long> now = new HashSet<>(ProcFiles.sockets(proc));
                    now.removeAll(before);
                    Set<ProcFiles.Endpoint> ends = new HashSet<>(ProcFiles.farEnds(net, now));
                    if (ends.size() == 1) {
                        return Optional.of(ends.iterator().next());
                    }
                    pauseMillis.accept(TRACE_STEP_MILLIS);
                }
            }
        } catch (IOException e) { // nothing takes connections there
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean child(Path proc) {
        return ProcFiles.program(proc).endsWith("rootlessport-child");
    }

    /** Whether process {@code pid} descends from {@code ancestor} (at most 64 generations up). */
    private boolean descends(long pid, long ancestor) {
        long p = pid;
        for (int up = 0; up < 64 && p > 1; up++) {
            p = ProcFiles.parent(root.resolve("proc/" + p));
            if (p == ancestor) {
                return true;
            }
        }
        return false;
    }

    /** Forgets every answer: the next call walks the processes. */
    void forget() {
        found.forget();
    }

    /** Forgets the forwarders not in {@code running}. */
    void retain(Set<Long> running) {
        found.retain(k -> running.contains(k.forwarder()));
    }

    /**
     * The process serving the container's port in the network whose own address is {@code to}'s, or the one standing
     * for it. Each process's addresses are read first (a file of a kilobyte or two, where its socket tables may hold
     * thousands of connections): only the container's network's processes have their tables read.
     */
    private Optional<Long> byAddress(Forward to) {
        String own = ProcFiles.namespace(root.resolve("proc/self"));
        Map<String, Boolean> looked = new HashMap<>(); // a namespace whose link could be read: whether it is to's
        Set<Long> sockets = null; // the container's sockets on the port, once found
        List<Long> members = new ArrayList<>(); // the processes of the container's network listening there
        for (long pid : ProcFiles.processes(root)) {
            Path net = root.resolve("proc/" + pid + "/net");
            String ns = ProcFiles.namespace(root.resolve("proc/" + pid));
            boolean theContainers = ns == null ? hasAddress(net, to.ip())
                    : !ns.equals(own) && looked.computeIfAbsent(ns, n -> hasAddress(net, to.ip()));
            if (!theContainers) {
                continue;
            }
            Set<Long> its = ProcFiles.listeningIn(net, to.port(), a -> a.isAnyLocalAddress() || a.equals(to.ip()))
                    .keySet();
            if (!its.isEmpty() && (sockets == null || sockets.equals(its))) {
                sockets = its;
                members.add(pid);
            }
        }
        return sockets == null ? Optional.empty() : ProcFiles.holder(root, members, sockets);
    }

    /**
     * The process serving the container's port in network namespace {@code to.namespace()} (whichever address it
     * listens on there), or the one standing for it; {@code forwarder} (which may hold the namespace open) aside.
     */
    private Optional<Long> inNamespace(Forward to, long forwarder) {
        List<Long> members = new ArrayList<>();
        for (long pid : ProcFiles.processes(root)) {
            if (pid != forwarder && to.namespace().equals(ProcFiles.namespace(root.resolve("proc/" + pid)))) {
                members.add(pid);
            }
        }
        if (members.isEmpty()) {
            return Optional.empty();
        }
        Set<Long> sockets =
                ProcFiles.listeningIn(root.resolve("proc/" + members.get(0) + "/net"), to.port(), a -> true).keySet();
        return sockets.isEmpty() ? Optional.empty() : ProcFiles.holder(root, members, sockets);
    }

    /**
     * Whether {@code ip} is an address of the network whose files are in {@code net}: IPv4's in fib_trie's local
     * table ("|-- 172.17.0.2" followed by "/32 host LOCAL"), IPv6's in if_inet6 (the address in hex, first).
     */
    static boolean hasAddress(Path net, InetAddress ip) {
        if (ip.getAddress().length == 16) {
            String hex = HexFormat.of().formatHex(ip.getAddress());
            try (Stream<String> lines = Files.lines(net.resolve("if_inet6"))) {
                return lines.anyMatch(l -> l.trim().toLowerCase(Locale.ROOT).startsWith(hex + " "));
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        String text;
        try {
            text = Files.readString(net.resolve("fib_trie"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
        String leaf = "|-- " + ip.getHostAddress() + "\n";
        for (int at = text.indexOf(leaf); at >= 0; at = text.indexOf(leaf, at + 1)) {
            // the leaf's entries, up to the next node: "/32 host LOCAL" for an address of the network's own
            for (int line = at + leaf.length(); line < text.length(); ) {
                int end = text.indexOf('\n', line);
                String entry = text.substring(line, end < 0 ? text.length() : end).trim();
                if (!entry.startsWith("/")) {
                    break;
                }
                if (entry.startsWith("/32 host LOCAL")) {
                    return true;
                }
                line = end < 0 ? text.length() : end + 1;
            }
        }
        return false;
    }
}
