package dev.warmup.server.resources;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

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
        Map<Long, String> sockets = // inode: owner's uid
                ProcFiles.listeningIn(root.resolve("proc/net"), port, ListeningProcess::reachedFromLoopback);
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

    /** Whether the last call for {@code port} found nothing listening on it in this network's tables. */
    boolean nothingListens(int port) {
        Found last = found.get(port);
        return last != null && last.inodes().isEmpty();
    }

    /** Forgets every answer: the next call reads the tables. */
    void forget() {
        found.clear();
    }

    /** Whether the process found (-1: none) still runs; none found stands as it is. */
    private boolean runs(long pid) {
        return pid < 0 || Files.isDirectory(root.resolve("proc/" + pid));
    }

    /** Whether a listening address takes connections to a loopback address. */
    private static boolean reachedFromLoopback(InetAddress a) {
        return a.isLoopbackAddress() || a.isAnyLocalAddress();
    }

    /** The lowest process holding one of {@code inodes}; -1 for none. */
    private long holder(Set<Long> inodes) {
        return ProcFiles.processes(root).stream().filter(pid -> ProcFiles.holdsAny(root.resolve("proc/" + pid), inodes))
                .findFirst().orElse(-1L);
    }

    /**
     * A process of user {@code uid} (the lowest: as a rule the service's own) standing for a holder this process may
     * not see, when all of that user's processes it can see are in one cgroup; -1 otherwise, and for this process's
     * own user.
     */
    private long standIn(String uid) {
        if (uid.equals(ProcFiles.realUid(root.resolve("proc/self")))) {
            return -1;
        }
        long first = -1;
        String group = null;
        for (long pid : ProcFiles.processes(root)) {
            Path proc = root.resolve("proc/" + pid);
            if (!uid.equals(ProcFiles.realUid(proc))) {
                continue;
            }
            String its = ProcFiles.groups(proc);
            if (its == null) {
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
}
