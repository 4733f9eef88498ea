package dev.warmup.server.resources;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The model server behind a port that takes connections though nothing listens on it in this network: a NAT rule
 * publishes a container's port there (Docker with {@code "userland-proxy": false}, rootful Podman with netavark).
 * No forwarder's command line says where the rule leads, and the rules themselves are root's; so this connects to the
 * port (sending nothing) and looks, in the networks other than this process's, for the connection it made: the one
 * whose far end is at this connection's own port (the rule rewrites the address; Linux keeps the port when it can),
 * in whatever state (a server may hang up at once). Its near end is the container's address and port, and the model
 * server is the process of that network listening there (or the one standing for it, as behind a forwarder). A
 * process whose network namespace link cannot be read (another user's) is told apart by its network's addresses
 * ({@code /proc/PID/net/fib_trie}), and one whose addresses are this process's is taken to be in this network. Looked
 * for only where nothing listens on the port here. An answer stands while the process found runs; none found (nothing
 * takes connections there, or no one network holds ours: a rule to another machine), for
 * {@link PublishedPort#LOOK_AGAIN_NANOS}. Not thread-safe.
 */
final class NattedPort {
    private final Path root;
    private final LoopbackConnector connector;
    private final TargetAnswers<Integer> found;

    /**
     * @param root      the file system's root: "/" but in tests
     * @param nanoTime  the monotonic clock "none found" ages on
     * @param connector opens the connection to look for (tests: one that writes it into a hand-made table)
     */
    NattedPort(Path root, LongSupplier nanoTime, LoopbackConnector connector) {
        this.root = root;
        this.connector = connector;
        this.found = new TargetAnswers<>(root, nanoTime);
    }

    /** The model server a NAT rule sends the machine's loopback {@code port} to; empty when none is found. */
    Optional<PublishedPort.Target> behind(int port) {
        return found.get(port, () -> {
            try {
                LoopbackConnector.Connection ours = connector.open(port);
                try (Closeable socket = ours.socket()) {
                    return traced(ours.localPort());
                }
            } catch (IOException e) { // nothing takes connections there
                return Optional.empty();
            }
        });
    }

    /** Forgets every answer: the next call connects again. */
    void forget() {
        found.forget();
    }

    /** Forgets the ports not in {@code ports}. */
    void retain(Set<Integer> ports) {
        found.retain(ports::contains);
    }

    /**
     * The model server of the network, other than this process's, holding the far end of our connection (whose port
     * is {@code localPort}), and where the rule sent it; empty when no one network has it.
     */
    private Optional<PublishedPort.Target> traced(int localPort) {
        Path self = root.resolve("proc/self");
        String ownNamespace = ProcFiles.namespace(self);
        String ownAddresses = read(self.resolve("net/fib_trie"));
        Map<String, List<Long>> networks = new LinkedHashMap<>(); // by namespace, or by addresses where unreadable
        for (long pid : ProcFiles.processes(root)) {
            Path proc = root.resolve("proc/" + pid);
            String namespace = ProcFiles.namespace(proc);
            String addresses = namespace == null ? read(proc.resolve("net/fib_trie")) : null;
            if (namespace != null ? !namespace.equals(ownNamespace)
                    : addresses != null && !addresses.equals(ownAddresses)) {
                networks.computeIfAbsent(namespace != null ? namespace : "addresses " + addresses,
                        k -> new ArrayList<>()).add(pid);
            }
        }
        Map<String, PublishedPort.Target> found = new LinkedHashMap<>(); // by where: one network seen two ways once
        for (List<Long> members : networks.values()) {
            Path net = root.resolve("proc/" + members.get(0) + "/net");
            for (ProcFiles.Endpoint end : ProcFiles.connections(net, localPort)) {
                Set<Long> sockets = ProcFiles.listeningIn(net, end.port(),
                        a -> a.isAnyLocalAddress() || a.equals(end.address())).keySet();
                String where = new ForwarderCommandLine.Forward(end.address(), null, end.port()).address();
                if (!sockets.isEmpty()) {
                    ProcFiles.holder(root, members, sockets)
                            .ifPresent(pid -> found.putIfAbsent(where, new PublishedPort.Target(pid, where)));
                }
            }
        }
        return found.size() == 1 ? Optional.of(found.values().iterator().next()) : Optional.empty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
