package dev.warmup.server.resources;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Which process listens on a loopback TCP port, read from Linux's files: {@code /proc/net/tcp} and {@code tcp6} (the
 * sockets of this process's network namespace) give the listening socket's inode and owner, and the process holding it
 * is the one whose {@code /proc/PID/fd} links to {@code socket:[INODE]}. Another user's descriptors are not readable
 * (a model server run as a service of its own, as Linux's {@code ollama.service} runs as {@code ollama}): then, when
 * every process of the socket's owner that this one can see is in one cgroup (the world-readable
 * {@code /proc/PID/status} and {@code /proc/PID/cgroup}), one of them stands for the holder; never for a socket of this
 * process's own user, whose other processes (the editor's) say nothing of it. A process of another PID namespace (a
 * container's neighbour) is not found. The tables are read again every 30 s, or at every call while nothing listens
 * and at once when the process found has exited; the walk over the processes only when the port's sockets change.
 * Not thread-safe.
 */
final class ListeningProcess {
    private static final String LISTEN = "0A";
    /** How long an answer stands before the socket tables are read again (sooner when the process found has exited). */
    static final long LOOK_AGAIN_NANOS = 30_000_000_000L;

    private final Path root;
    private final LongSupplier nanoTime;
    /** Per port: the sockets last seen listening on it, the process found holding them (-1: none), and when. */
    private final Map<Integer, Found> found = new HashMap<>();

    private record Found(Set<Long> inodes, long pid, long atNanos) {}

    /**
     * @param root     the file system's root: "/" but in tests
     * @param nanoTime the monotonic clock the answers age on
     */
    ListeningProcess(Path root, LongSupplier nanoTime) {
        this.root = root;
        this.nanoTime = nanoTime;
    }

    /**
     * The process listening on {@code port} on a loopback or wildcard address; empty when none is found. An answer
     * stands {@link #LOOK_AGAIN_NANOS} while the process found runs, or while the port's sockets are held by none this
     * process can find (reading the tables costs a busy machine a millisecond or more); with nothing listening, the
     * next call looks again, so that a model server starting (or restarting, as its new process) is found at once.
     */
    OptionalLong on(int port) {
        long now = nanoTime.getAsLong();
        Found last = found.get(port);
        if (last != null && !last.inodes().isEmpty() && now - last.atNanos() < LOOK_AGAIN_NANOS && runs(last.pid())) {
            return last.pid() < 0 ? OptionalLong.empty() : OptionalLong.of(last.pid());
        }
        Map<Long, String> sockets = new TreeMap<>(); // inode: owner's uid
        sockets.putAll(listening(root.resolve("proc/net/tcp"), port));
        sockets.putAll(listening(root.resolve("proc/net/tcp6"), port));
        sockets.remove(0L); // a socket being torn down
        long pid = -1;
        if (!sockets.isEmpty() && last != null && last.inodes().equals(sockets.keySet()) && runs(last.pid())) {
            pid = last.pid(); // the same sockets: the same holder (or none found), no walk over the processes
        } else if (!sockets.isEmpty()) {
            pid = holder(sockets.keySet());
            if (pid < 0 && new HashSet<>(sockets.values()).size() == 1) {
                pid = standIn(sockets.values().iterator().next());
            }
        }
        found.put(port, new Found(Set.copyOf(sockets.keySet()), pid, now));
        return pid < 0 ? OptionalLong.empty() : OptionalLong.of(pid);
    }

    /** Whether the process found (-1: none) still runs; none found stands as it is. */
    private boolean runs(long pid) {
        return pid < 0 || Files.isDirectory(root.resolve("proc/" + pid));
    }

    /**
     * The inodes of the sockets listening on {@code port} in one of the tables, with their owners' uids; the lines read
     * "SL: LOCAL_HEX:PORT_HEX REMOTE_HEX:PORT_HEX STATE TX:RX TR:WHEN RETRANSMITS UID TIMEOUT INODE ...".
     */
    private static Map<Long, String> listening(Path table, int port) {
        Map<Long, String> out = new TreeMap<>();
        // the port as the table writes it, after an address: only such lines are split (a busy machine's table holds
        // thousands of connections, and splitting each cost 1 µs)
        String written = String.format(Locale.ROOT, ":%04X ", port);
        try (Stream<String> lines = Files.lines(table)) {
            lines.skip(1).filter(line -> line.contains(written)).forEach(line -> {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || !f[3].equals(LISTEN)) {
                    return;
                }
                int colon = f[1].indexOf(':');
                if (colon < 0 || !f[9].matches("\\d{1,19}")) {
                    return;
                }
                try {
                    if (Integer.parseInt(f[1].substring(colon + 1), 16) == port
                            && reachedFromLoopback(f[1].substring(0, colon))) {
                        out.put(Long.parseLong(f[9]), f[7]);
                    }
                } catch (NumberFormatException e) {
                    // a line this reader does not understand
                }
            });
        } catch (IOException | RuntimeException e) { // no such table: no IPv6, or not Linux
            return out;
        }
        return out;
    }

    /**
     * Whether a listening address in the tables' hex (the address's 32-bit words each in the machine's byte order,
     * little-endian on the machines this runs on) takes connections to a loopback address.
     */
    private static boolean reachedFromLoopback(String hex) {
        if (hex.length() != 8 && hex.length() != 32) {
            return false;
        }
        byte[] address = new byte[hex.length() / 2];
        for (int word = 0; word < address.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                address[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            InetAddress a = InetAddress.getByAddress(address); // an IPv4-mapped IPv6 address comes back as IPv4
            return a.isLoopbackAddress() || a.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The lowest process holding one of {@code inodes}; -1 for none. */
    private long holder(Set<Long> inodes) {
        Set<String> links = new TreeSet<>();
        inodes.forEach(i -> links.add("socket:[" + i + "]"));
        return processes().stream().filter(pid -> holds(root.resolve("proc/" + pid + "/fd"), links)).findFirst()
                .orElse(-1L);
    }

    /**
     * A process of user {@code uid} (the lowest: as a rule the service's own) standing for a holder this process may
     * not see, when all of that user's processes it can see are in one cgroup; -1 otherwise, and for this process's
     * own user.
     */
    private long standIn(String uid) {
        if (uid.equals(realUid(root.resolve("proc/self")))) {
            return -1;
        }
        long first = -1;
        String group = null;
        for (long pid : processes()) {
            Path proc = root.resolve("proc/" + pid);
            if (!uid.equals(realUid(proc))) {
                continue;
            }
            String its;
            try {
                its = Files.readString(proc.resolve("cgroup"));
            } catch (IOException gone) {
                continue;
            }
            if (group != null && !group.equals(its)) {
                return -1; // the user's processes are in several groups: which holds the socket is not known
            }
            group = its;
            first = first < 0 ? pid : first;
        }
        return first;
    }

    /** The processes this one can see, lowest pid first; none when /proc cannot be read. */
    private List<Long> processes() {
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

    /** The real uid in a process's status ("Uid:\tREAL\tEFFECTIVE..."); null when it cannot be read. */
    private static String realUid(Path proc) {
        try (Stream<String> lines = Files.lines(proc.resolve("status"))) {
            return lines.filter(l -> l.startsWith("Uid:")).map(l -> l.substring(4).trim().split("\\s+")[0])
                    .findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean holds(Path fds, Set<String> links) {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(fds)) {
            for (Path fd : all) {
                try {
                    if (links.contains(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) { // another user's process, or exited meanwhile
            return false;
        }
        return false;
    }
}
