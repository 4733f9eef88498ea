package dev.warmup.server.resources;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Linux's process files as the readers of listening sockets use them: the processes under {@code /proc}, their users,
 * the sockets their descriptors hold, and the listening sockets of a network namespace's tables
 * ({@code /proc/PID/net/tcp} and {@code tcp6}). Every reader answers "none" for a file it cannot read.
 */
final class ProcFiles {
    private static final String LISTEN = "0A";

    private ProcFiles() {}

    /** The processes under {@code root}'s /proc, lowest pid first; none when /proc cannot be read. */
    static List<Long> processes(Path root) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(root.resolve("proc"),
                p -> p.getFileName().toString().matches("\\d{1,10}"))) {
            procs.forEach(p -> pids.add(Long.parseLong(p.getFileName().toString())));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        pids.sort(null);
        return pids;
    }

    /** A connection's end: its address and port. */
    record Endpoint(InetAddress address, int port) {}

    /**
     * A line of a socket table, "SL: LOCAL_HEX:PORT_HEX REMOTE_HEX:PORT_HEX STATE TX:RX TR:WHEN RETRANSMITS UID
     * TIMEOUT INODE ...": its near and far ends (an address null where the hex is not one), its state, its owner's
     * uid and its inode (-1 where not a number; 0 for a socket being torn down).
     */
    private record Row(InetAddress local, int localPort, InetAddress remote, int remotePort, String state, String uid,
                       long inode) {
        boolean listening() {
            return state.equals(LISTEN);
        }
    }

    /**
     * The rows of both tables ({@code tcp} and {@code tcp6}) in folder {@code net} whose line holds {@code mark}: only
     * those are split (a busy machine's table holds thousands of connections, and splitting each cost 1 µs; "" takes
     * every line). A line this reader does not understand says nothing, nor does a table that cannot be read (no IPv6,
     * not Linux, or the process exited).
     */
    private static List<Row> rows(Path net, String mark) {
        List<Row> out = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            try (Stream<String> lines = Files.lines(net.resolve(table))) {
                lines.skip(1).filter(line -> line.contains(mark)).forEach(line -> {
                    String[] f = line.trim().split("\\s+");
                    int local = f.length < 10 ? -1 : f[1].indexOf(':');
                    int remote = f.length < 10 ? -1 : f[2].indexOf(':');
                    if (local < 0 || remote < 0) {
                        return;
                    }
                    try {
                        out.add(new Row(address(f[1].substring(0, local)),
                                Integer.parseInt(f[1].substring(local + 1), 16), address(f[2].substring(0, remote)),
                                Integer.parseInt(f[2].substring(remote + 1), 16), f[3], f[7],
                                f[9].matches("\\d{1,19}") ? Long.parseLong(f[9]) : -1));
                    } catch (NumberFormatException e) {
                        // a line this reader does not understand
                    }
                });
            } catch (IOException | RuntimeException e) {
                // the other table may still say
            }
        }
        return out;
    }

    /** A port as the tables write it after an address (":2CAA "), to pick the lines worth splitting. */
    private static String written(int port) {
        return String.format(Locale.ROOT, ":%04X ", port);
    }

    /**
     * The inodes of the sockets listening on {@code port} in both tables of folder {@code net} at an address {@code at}
     * accepts, with their owners' uids. Inode 0 (a socket being torn down) is left out.
     */
    static Map<Long, String> listeningIn(Path net, int port, Predicate<InetAddress> at) {
        Map<Long, String> out = new TreeMap<>();
        for (Row r : rows(net, written(port))) {
            if (r.listening() && r.localPort() == port && r.inode() > 0 && r.local() != null && at.test(r.local())) {
                out.put(r.inode(), r.uid());
            }
        }
        return out;
    }

    /** The listening sockets of both tables in folder {@code net}, by port (inodes); empty when none can be read. */
    static Map<Integer, Set<Long>> listeningPorts(Path net) {
        Map<Integer, Set<Long>> out = new TreeMap<>();
        for (Row r : rows(net, "")) {
            if (r.listening() && r.inode() > 0) {
                out.computeIfAbsent(r.localPort(), p -> new HashSet<>()).add(r.inode());
            }
        }
        return out;
    }

    /**
     * The near ends of the connections in both tables of folder {@code net} whose far end's port is {@code remotePort},
     * in any state but listening: one just made may be established, not yet (SYN_RECV), or already closing, where its
     * server hung up at once.
     */
    static List<Endpoint> connections(Path net, int remotePort) {
        List<Endpoint> out = new ArrayList<>();
        for (Row r : rows(net, written(remotePort))) {
            if (!r.listening() && r.remotePort() == remotePort && r.local() != null) {
                out.add(new Endpoint(r.local(), r.localPort()));
            }
        }
        return out;
    }

    /**
     * The far ends of the connections, in both tables of folder {@code net}, of the sockets {@code inodes} (any state
     * but listening).
     */
    static List<Endpoint> farEnds(Path net, Set<Long> inodes) {
        List<Endpoint> out = new ArrayList<>();
        for (Row r : rows(net, "")) {
            if (!r.listening() && inodes.contains(r.inode()) && r.remote() != null) {
                out.add(new Endpoint(r.remote(), r.remotePort()));
            }
        }
        return out;
    }

    /**
     * An address in the tables' hex (the address's 32-bit words each in the machine's byte order, little-endian on the
     * machines this runs on; an IPv4-mapped IPv6 address comes back as IPv4); null when not an address.
     */
    static InetAddress address(String hex) {
        if (hex.length() != 8 && hex.length() != 32) {
            return null;
        }
        byte[] address = new byte[hex.length() / 2];
        for (int word = 0; word < address.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                address[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The real uid in a process's status ("Uid:\tREAL\tEFFECTIVE..."); null when it cannot be read. */
    static String realUid(Path proc) {
        try (Stream<String> lines = Files.lines(proc.resolve("status"))) {
            return lines.filter(l -> l.startsWith("Uid:")).map(l -> l.substring(4).trim().split("\\s+")[0])
                    .findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The name of a process's program ({@code /proc/PID/comm}, or for "exe" its first argument's file name); empty when
     * it cannot be read (it exited).
     */
    static String program(Path proc) {
        String comm;
        try {
            comm = Files.readString(proc.resolve("comm")).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
        if (!comm.equals("exe")) {
            return comm;
        }
        // a program that ran itself again as /proc/self/exe (Podman's rootlessport) is named by its first argument
        List<String> args = commandLine(proc);
        String first = args.isEmpty() ? "" : args.get(0);
        String name = first.substring(first.lastIndexOf('/') + 1);
        return name.isEmpty() ? comm : name;
    }

    /** A process's arguments ({@code /proc/PID/cmdline}, each ended by NUL); none when it cannot be read. */
    static List<String> commandLine(Path proc) {
        try {
            return List.of(Files.readString(proc.resolve("cmdline")).split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * A process's parent ({@code /proc/PID/stat}: "PID (COMM) STATE PPID ...", the name in parentheses may hold
     * spaces and parentheses of its own); -1 when it cannot be read.
     */
    static long parent(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String[] after = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+");
            return after.length > 1 && after[1].matches("\\d{1,10}") ? Long.parseLong(after[1]) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A process's /proc/PID/cgroup as written; null when it cannot be read (it exited). */
    static String groups(Path proc) {
        try {
            return Files.readString(proc.resolve("cgroup"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A process's network namespace ("net:[4026531840]"); null when its link cannot be read (another user's). */
    static String namespace(Path proc) {
        try {
            return Files.readSymbolicLink(proc.resolve("ns/net")).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Of one network's processes {@code members} (lowest first) under {@code root}'s /proc, the one holding one of
     * {@code sockets}; where none can be seen to, the lowest when all of them are in one cgroup (a container's are).
     */
    static Optional<Long> holder(Path root, List<Long> members, Set<Long> sockets) {
        Optional<Long> holder = members.stream().filter(pid -> holdsAny(root.resolve("proc/" + pid), sockets))
                .findFirst();
        if (holder.isPresent()) {
            return holder;
        }
        Set<String> groups = new HashSet<>();
        members.forEach(pid -> groups.add(String.valueOf(groups(root.resolve("proc/" + pid)))));
        return groups.size() == 1 && !groups.contains("null") ? Optional.of(members.get(0)) : Optional.empty();
    }

    /** Whether one of the descriptors of process folder {@code proc} is one of the sockets {@code inodes}. */
    static boolean holdsAny(Path proc, Set<Long> inodes) {
        return sockets(proc).stream().anyMatch(inodes::contains);
    }

    /**
     * The sockets process folder {@code proc} holds, by inode (its descriptors linking to "socket:[INODE]"); none when
     * they cannot be read (another user's process, or one that exited).
     */
    static Set<Long> sockets(Path proc) {
        Set<Long> out = new HashSet<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : all) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[") && link.endsWith("]")) {
                        out.add(Long.parseLong(link.substring(8, link.length() - 1)));
                    }
                } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) { // another user's process, or exited meanwhile
            return Set.of();
        }
        return out;
    }
}
