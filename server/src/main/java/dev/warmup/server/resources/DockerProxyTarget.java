package dev.warmup.server.resources;

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
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The model server behind Docker's port forwarder. {@code docker run -p 11434:11434 ollama/ollama} has
 * {@code docker-proxy} listen on the machine's port and forward to the container's address and port, which its command
 * line names ({@code -container-ip 172.17.0.2 -container-port 11434}); the container's processes have a network of
 * their own, whose sockets are in their {@code /proc/PID/net/tcp} and {@code tcp6} and whose addresses are in their
 * {@code /proc/PID/net/fib_trie} (IPv4) or {@code if_inet6} (IPv6), files every user may read. The model server is
 * the process holding the socket that listens on the container's port in the network whose own address is the
 * container's; where its descriptors cannot be read (a container's root is another user), the lowest of that network's
 * processes stands for it when all of them are in one cgroup (a container's are). A network namespace whose
 * {@code /proc/PID/ns/net} can be read is looked at once; this process's own is not looked at.
 * An answer stands while docker-proxy and the process found run; none found, for {@link #LOOK_AGAIN_NANOS}.
 * Not thread-safe.
 */
final class DockerProxyTarget {
    static final String PROGRAM = "docker-proxy";
    /** How long "none found" stands before the processes are walked again. */
    static final long LOOK_AGAIN_NANOS = ListeningProcess.LOOK_AGAIN_NANOS;

    /**
     * The model server found.
     *
     * @param pid     its process (or the one standing for it)
     * @param address the container's address and port docker-proxy forwards to, e.g. "172.17.0.2:11434"
     */
    record Target(long pid, String address) {}

    private record Found(Optional<Target> target, long atNanos) {}

    /** Where a docker-proxy forwards to, from its command line. */
    record Forward(InetAddress ip, int port) {
        String address() {
            return (ip.getAddress().length == 16 ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress()) + ":" + port;
        }
    }

    private final Path root;
    private final LongSupplier nanoTime;
    private final Map<Long, Found> found = new HashMap<>(); // per docker-proxy's pid

    /**
     * @param root     the file system's root: "/" but in tests
     * @param nanoTime the monotonic clock "none found" ages on
     */
    DockerProxyTarget(Path root, LongSupplier nanoTime) {
        this.root = root;
        this.nanoTime = nanoTime;
    }

    /** The model server docker-proxy {@code proxyPid} forwards to; empty when none is found. */
    Optional<Target> behind(long proxyPid) {
        long now = nanoTime.getAsLong();
        Found last = found.get(proxyPid);
        if (last != null && (last.target().isPresent() ? runs(last.target().get().pid())
                : now - last.atNanos() < LOOK_AGAIN_NANOS)) {
            return last.target();
        }
        Optional<Target> target = forward(proxyPid).flatMap(f -> listener(f).map(pid -> new Target(pid, f.address())));
        found.put(proxyPid, new Found(target, now));
        return target;
    }

    /** Forgets every answer: the next call walks the processes. */
    void forget() {
        found.clear();
    }

    /** Forgets the docker-proxies not in {@code running}. */
    void retain(Set<Long> running) {
        found.keySet().retainAll(running);
    }

    /** The container's address and port in docker-proxy's command line; empty when it names none. */
    Optional<Forward> forward(long proxyPid) {
        List<String> args;
        try {
            args = List.of(Files.readString(root.resolve("proc/" + proxyPid + "/cmdline")).split("\0"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String ip = value(args, "container-ip");
        String port = value(args, "container-port");
        // an IPv4 address in digits or an IPv6 one (with colons, never looked up as a name)
        if (ip == null || port == null || !port.matches("\\d{1,5}")
                || !(ip.matches("\\d{1,3}(\\.\\d{1,3}){3}") || ip.matches("[0-9a-fA-F.:]*:[0-9a-fA-F.:]*"))) {
            return Optional.empty();
        }
        try {
            int p = Integer.parseInt(port);
            return p > 0 && p < 65536 ? Optional.of(new Forward(InetAddress.getByName(ip), p)) : Optional.empty();
        } catch (IOException e) { // not an address
            return Optional.empty();
        }
    }

    /** The argument after "-NAME" (or "--NAME"); null when absent. */
    private static String value(List<String> args, String name) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("-" + name) || args.get(i).equals("--" + name)) {
                return args.get(i + 1);
            }
        }
        return null;
    }

    /**
     * The process serving the container's port, or the one standing for it. Each process's addresses are read first
     * (a file of a kilobyte or two, where its socket tables may hold thousands of connections): only the container's
     * network's processes have their tables read.
     */
    private Optional<Long> listener(Forward to) {
        String own = namespace(root.resolve("proc/self"));
        Map<String, Boolean> looked = new HashMap<>(); // a namespace whose link could be read: whether it is to's
        Set<Long> sockets = null; // the container's sockets on the port, once found
        List<Long> members = new ArrayList<>(); // the processes of the container's network listening there
        for (long pid : ProcFiles.processes(root)) {
            Path net = root.resolve("proc/" + pid + "/net");
            String ns = namespace(root.resolve("proc/" + pid));
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
        if (sockets == null) {
            return Optional.empty();
        }
        Set<Long> held = sockets;
        Optional<Long> holder = members.stream().filter(pid -> ProcFiles.holdsAny(root.resolve("proc/" + pid), held))
                .findFirst();
        if (holder.isPresent()) {
            return holder;
        }
        Set<String> groups = new HashSet<>();
        members.forEach(pid -> groups.add(String.valueOf(ProcFiles.groups(root.resolve("proc/" + pid)))));
        return groups.size() == 1 && !groups.contains("null") ? Optional.of(members.get(0)) : Optional.empty();
    }

    /** A process's network namespace ("net:[4026531840]"); null when its link cannot be read (another user's). */
    private static String namespace(Path proc) {
        try {
            return Files.readSymbolicLink(proc.resolve("ns/net")).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
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

    /** Whether a process still runs. */
    private boolean runs(long pid) {
        return Files.isDirectory(root.resolve("proc/" + pid));
    }
}
