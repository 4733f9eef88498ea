package dev.warmup.server.resources;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Where a port forwarder that publishes a container's port sends it, from the forwarder's command line
 * ({@code /proc/PID/cmdline}, readable by every user). Docker's {@code docker-proxy} names the container's address and
 * port ({@code -container-ip 172.17.0.2 -container-port 11434}, as Docker's port mapper passes them). {@code pasta},
 * rootless Podman's since Podman 5 (run as {@code pasta.avx2} where the CPU has AVX2), names the container's network
 * namespace file ({@code --netns /run/user/1000/netns/netns-...}: its inode is the namespace's number) and the TCP
 * ports it forwards ({@code -t 11434-11434:11434-11434}, as Podman writes them; pasta's own form is
 * {@code [ADDRESS[%INTERFACE]/]PORTS[:PORTS]}, ranges and lists, {@code ~} excluding, {@code all} and {@code auto}
 * forwarding ports to the same number).
 */
final class ForwarderCommandLine {
    static final String DOCKER_PROXY = "docker-proxy";
    static final Set<String> PASTA = Set.of("pasta", "pasta.avx2");

    private ForwarderCommandLine() {}

    /**
     * Where a forwarder sends the machine's port: the container's network, known by its address ({@code ip}) or by
     * its namespace ({@code namespace}, as {@code /proc/PID/ns/net} links to it: "net:[4026532173]"), and the port.
     */
    record Forward(InetAddress ip, String namespace, int port) {
        /** In words: "172.17.0.2:11434", "[fd00::2]:11434", "port 11434 of network namespace net:[4026532173]". */
        String address() {
            if (ip == null) {
                return "port " + port + " of network namespace " + namespace;
            }
            return (ip.getAddress().length == 16 ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress()) + ":" + port;
        }
    }

    /** Whether {@code program}'s command line says where it forwards to. */
    static boolean reads(String program) {
        return DOCKER_PROXY.equals(program) || PASTA.contains(program);
    }

    /**
     * Where forwarder {@code pid}, running {@code program}, sends the machine's {@code hostPort}; empty when its
     * command line does not say (or cannot be read).
     *
     * @param root the file system's root: "/" but in tests
     */
    static Optional<Forward> of(Path root, long pid, String program, int hostPort) {
        List<String> args = ProcFiles.commandLine(root.resolve("proc/" + pid));
        if (DOCKER_PROXY.equals(program)) {
            return dockerProxy(args);
        }
        return PASTA.contains(program) ? pasta(root, args, hostPort) : Optional.empty();
    }

    /** The machine's port docker-proxy {@code pid} publishes ({@code -host-port}); empty when it does not say. */
    static OptionalInt dockerProxyHostPort(Path root, long pid) {
        return port(value(ProcFiles.commandLine(root.resolve("proc/" + pid)), "host-port"));
    }

    private static Optional<Forward> dockerProxy(List<String> args) {
        String ip = value(args, "container-ip");
        OptionalInt port = port(value(args, "container-port"));
        // an IPv4 address in digits or an IPv6 one (with colons): never looked up as a name
        if (ip == null || port.isEmpty()
                || !(ip.matches("\\d{1,3}(\\.\\d{1,3}){3}") || ip.matches("[0-9a-fA-F.:]*:[0-9a-fA-F.:]*"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Forward(InetAddress.getByName(ip), null, port.getAsInt()));
        } catch (IOException e) { // not an address
            return Optional.empty();
        }
    }

    private static Optional<Forward> pasta(Path root, List<String> args, int hostPort) {
        String netns = value(args, "netns");
        if (netns == null || !netns.startsWith("/")) {
            return Optional.empty();
        }
        String namespace;
        try {
            namespace = "net:[" + Files.getAttribute(root.resolve(netns.substring(1)), "unix:ino") + "]";
        } catch (IOException | RuntimeException e) { // gone, another user's, or not Linux
            return Optional.empty();
        }
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String spec = a.startsWith("--tcp-ports=") ? a.substring("--tcp-ports=".length())
                    : (a.equals("-t") || a.equals("--tcp-ports")) && i + 1 < args.size() ? args.get(i + 1) : null;
            OptionalInt to = spec == null ? OptionalInt.empty() : containerPort(spec, hostPort);
            if (to.isPresent()) {
                return Optional.of(new Forward(null, namespace, to.getAsInt()));
            }
        }
        return Optional.empty();
    }

    /** The port pasta's TCP forwarding {@code spec} sends {@code hostPort} to; empty when it does not forward it. */
    static OptionalInt containerPort(String spec, int hostPort) {
        String ports = spec.substring(spec.lastIndexOf('/') + 1);
        if (ports.equals("all") || ports.equals("auto")) {
            return OptionalInt.of(hostPort);
        }
        for (String item : ports.split(",")) {
            if (item.startsWith("~")) {
                continue; // excluded
            }
            String[] hostAndContainer = item.split(":", 2);
            int[] host = range(hostAndContainer[0]);
            if (host == null || hostPort < host[0] || hostPort > host[1]) {
                continue;
            }
            if (hostAndContainer.length == 1) {
                return OptionalInt.of(hostPort);
            }
            int[] container = range(hostAndContainer[1]);
            return container == null ? OptionalInt.empty() : OptionalInt.of(container[0] + hostPort - host[0]);
        }
        return OptionalInt.empty();
    }

    /** "8080" or "8080-8090" as {first, last}; null when not ports. */
    private static int[] range(String text) {
        String[] ends = text.split("-", 2);
        OptionalInt first = port(ends[0]);
        OptionalInt last = ends.length == 2 ? port(ends[1]) : first;
        return first.isEmpty() || last.isEmpty() || last.getAsInt() < first.getAsInt() ? null
                : new int[] {first.getAsInt(), last.getAsInt()};
    }

    private static OptionalInt port(String text) {
        if (text == null || !text.matches("\\d{1,5}")) {
            return OptionalInt.empty();
        }
        int p = Integer.parseInt(text);
        return p > 0 && p < 65536 ? OptionalInt.of(p) : OptionalInt.empty();
    }

    /** The argument after "-NAME" or "--NAME", or after "--NAME="; null when absent. */
    private static String value(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--" + name + "=")) {
                return a.substring(name.length() + 3);
            }
            if ((a.equals("-" + name) || a.equals("--" + name)) && i + 1 < args.size()) {
                return args.get(i + 1);
            }
        }
        return null;
    }
}
