package dev.warmup.server.resources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * A hand-made Linux file system under a folder, for the readers of {@code /proc} and {@code /sys/fs/cgroup}: mounts,
 * processes' groups, the groups' memory files, listening sockets and the descriptors holding them.
 */
public final class ProcTree {
    public static final long MB = 1024 * 1024;
    /** The first line of /proc/net/tcp. */
    public static final String HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    public final Path root;

    public ProcTree(Path root) {
        this.root = root;
        write("proc/net/tcp", HEADER);
        write("proc/net/tcp6", HEADER);
    }

    /** A line of /proc/self/mountinfo, e.g. a cgroup2 file system mounted at /sys/fs/cgroup. */
    public ProcTree mount(String root, String point, String type, String superOptions) {
        append("proc/self/mountinfo", "30 25 0:26 " + root + " " + point + " rw,nosuid,nodev - " + type + " "
                + type + " " + superOptions + "\n");
        return this;
    }

    /** /proc/PID/cgroup. */
    public ProcTree process(long pid, String... groups) {
        write("proc/" + pid + "/cgroup", String.join("\n", groups) + "\n");
        return this;
    }

    /** A v2 group's memory files (limit null: "max"), in megabytes. */
    public ProcTree v2(String dir, Long limitMb, long currentMb, long inactiveFileMb) {
        write(dir + "/memory.max", limitMb == null ? "max\n" : limitMb * MB + "\n");
        write(dir + "/memory.current", currentMb * MB + "\n");
        write(dir + "/memory.stat", "anon 1000\nfile 2000\nactive_file 3\ninactive_file " + inactiveFileMb * MB + "\n");
        return this;
    }

    /** A v1 memory group's files (limit null: v1's "no limit"), in megabytes. */
    public ProcTree v1(String dir, Long limitMb, long usageMb, long inactiveFileMb) {
        write(dir + "/memory.limit_in_bytes", (limitMb == null ? 9223372036854771712L : limitMb * MB) + "\n");
        write(dir + "/memory.usage_in_bytes", usageMb * MB + "\n");
        write(dir + "/memory.stat", "cache 5\nrss 6\ninactive_file 7\ntotal_rss 8\ntotal_inactive_file "
                + inactiveFileMb * MB + "\n");
        return this;
    }

    /** A v2 group's CPU files: cpu.max as written ("200000 100000": two CPUs; "max 100000": none) and its use. */
    public ProcTree cpuV2(String dir, String cpuMax, long usageMicros) {
        write(dir + "/cpu.max", cpuMax + "\n");
        write(dir + "/cpu.stat", "usage_usec " + usageMicros + "\nuser_usec 1\nsystem_usec 2\nnr_periods 0\n");
        return this;
    }

    /** A v1 group's cfs quota (-1: none) and period, and the cpuacct use in nanoseconds, in one folder (co-mounted). */
    public ProcTree cpuV1(String dir, long quotaMicros, long periodMicros, long usageNanos) {
        write(dir + "/cpu.cfs_quota_us", quotaMicros + "\n");
        write(dir + "/cpu.cfs_period_us", periodMicros + "\n");
        write(dir + "/cpuacct.usage", usageNanos + "\n");
        return this;
    }

    /** A socket in /proc/net/tcp (IPv4, address as in the table: 127.0.0.1 is 0100007F), in state {@code state}. */
    public ProcTree socket(String table, String addressHex, int port, String state, long inode) {
        return socket(table, addressHex, port, state, inode, 1000);
    }

    /** A socket owned by user {@code uid}. */
    public ProcTree socket(String table, String addressHex, int port, String state, long inode, int uid) {
        append("proc/net/" + table, String.format(Locale.ROOT, "   0: %s:%04X 00000000:0000 %s 00000000:00000000"
                + " 00:00000000 00000000 %5d        0 %d 1 0000000000000000 100 0 0 10 0\n", addressHex, port,
                state, uid, inode));
        return this;
    }

    /**
     * A listening socket in process {@code pid}'s own network's table ({@code /proc/PID/net/TABLE}: a container's;
     * the machine's is /proc/net's), owned by user {@code uid}.
     */
    public ProcTree socketOf(long pid, String table, String addressHex, int port, long inode, int uid) {
        Path t = root.resolve("proc/" + pid + "/net/" + table);
        if (!Files.exists(t)) {
            write("proc/" + pid + "/net/" + table, HEADER);
        }
        append("proc/" + pid + "/net/" + table, String.format(Locale.ROOT, "   0: %s:%04X 00000000:0000 0A"
                + " 00000000:00000000 00:00000000 00000000 %5d        0 %d 1 0000000000000000 100 0 0 10 0\n",
                addressHex, port, uid, inode));
        return this;
    }

    /**
     * An established connection in process {@code pid}'s own network's table (IPv4: 10.231.1.2 is 0201E70A), from its
     * near end to its far end.
     */
    public ProcTree connection(long pid, String nearHex, int nearPort, String farHex, int farPort) {
        return connection(pid, nearHex, nearPort, farHex, farPort, "01");
    }

    /** A connection in state {@code state} (as the table writes it: "01" established, "06" TIME_WAIT ...). */
    public ProcTree connection(long pid, String nearHex, int nearPort, String farHex, int farPort, String state) {
        return connectionIn(pid, "tcp", nearHex, nearPort, farHex, farPort, state);
    }

    /** A connection in table {@code table} ("tcp6": addresses of 32 hex digits, as an IPv6 socket's). */
    public ProcTree connectionIn(long pid, String table, String nearHex, int nearPort, String farHex, int farPort,
                                 String state) {
        return connectionIn(pid, table, nearHex, nearPort, farHex, farPort, state, 23028);
    }

    /** The same, its socket's inode {@code inode}. */
    public ProcTree connectionIn(long pid, String table, String nearHex, int nearPort, String farHex, int farPort,
                                 String state, long inode) {
        Path t = root.resolve("proc/" + pid + "/net/" + table);
        if (!Files.exists(t)) {
            write("proc/" + pid + "/net/" + table, HEADER);
        }
        append("proc/" + pid + "/net/" + table, String.format(Locale.ROOT, "   1: %s:%04X %s:%04X %s 00000000:00000000"
                + " 00:00000000 00000000     0        0 %d 1 0000000000000000 20 4 30 10 -1\n", nearHex, nearPort,
                farHex, farPort, state, inode));
        return this;
    }

    /** Process {@code pid}'s network's own IPv4 address, as /proc/PID/net/fib_trie lists it (with loopback's). */
    public ProcTree address(long pid, String ip) {
        write("proc/" + pid + "/net/fib_trie", "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 0.0.0.0\n        /0 universe"
                + " UNICAST\n     +-- 127.0.0.0/8 2 0 2\n        +-- 127.0.0.0/31 1 0 0\n           |-- 127.0.0.0\n"
                + "              /8 host LOCAL\n           |-- 127.0.0.1\n              /32 host LOCAL\n"
                + "     |-- " + ip.replaceAll("\\.\\d+$", ".0") + "\n        /16 link UNICAST\n"
                + "     |-- " + ip + "\n        /32 host LOCAL\n");
        return this;
    }

    /** /proc/PID/cmdline: the arguments, each ended by NUL. */
    public ProcTree commandLine(long pid, String... args) {
        write("proc/" + pid + "/cmdline", String.join("\0", args) + "\0");
        return this;
    }

    /** /proc/PID/ns/net (pid "self": this process's), a link to the network namespace {@code id}. */
    public ProcTree network(String pid, long id) {
        return link("proc/" + pid + "/ns/net", "net:[" + id + "]");
    }

    /** /proc/PID/comm: the name of the process's program. */
    public ProcTree program(long pid, String name) {
        write("proc/" + pid + "/comm", name + "\n");
        return this;
    }

    /** /proc/PID/stat, as far as its parent (the program's name in it has a space and parentheses, as one may). */
    public ProcTree parent(long pid, long parentPid) {
        write("proc/" + pid + "/stat", pid + " (a (b) c) S " + parentPid + " " + pid + " " + pid + " 0 -1 4194560 0\n");
        return this;
    }

    /** /proc/PID/status, as far as its user ("self": this process). */
    public ProcTree user(String pid, int uid) {
        write("proc/" + pid + "/status", "Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t" + uid + "\t" + uid
                + "\t" + uid + "\t" + uid + "\nGid:\t" + uid + "\n");
        return this;
    }

    /** Process {@code pid} holds socket {@code inode} as descriptor {@code fd}. */
    public ProcTree holds(long pid, int fd, long inode) {
        return link("proc/" + pid + "/fd/" + fd, "socket:[" + inode + "]");
    }

    /** A symbolic link at {@code path} to {@code target} (as /proc writes them: not a file). */
    private ProcTree link(String path, String target) {
        try {
            Path link = root.resolve(path);
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public void write(String path, String text) {
        try {
            Path p = root.resolve(path);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void append(String path, String text) {
        try {
            Path p = root.resolve(path);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
