package dev.warmup.bench;

import com.google.gson.JsonParser;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.resources.LoopbackConnector;
import dev.warmup.server.resources.ModelServerProbe;
import dev.warmup.server.resources.SystemProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What finding a model server behind a container's published port costs: the first sample after the server starts,
 * after the forwarder or the model server restarts, and every 30 s while none is found, walks the processes. Behind
 * {@code docker-proxy} it reads each one's addresses, and the tables of the one network whose address is the
 * container's; behind {@code pasta} each one's network namespace link, and the tables of the namespace pasta names;
 * behind rootless Docker's {@code rootlesskit} each one's program name, the command line of the docker-proxy among
 * them, and then as behind docker-proxy; behind Podman 4's {@code rootlessport} each one's parent and program name
 * (for its child), then each one's network namespace link; behind a NAT rule ({@code nat}: nothing listens on the
 * machine's port, and a connection to it, made up, is found in the container's table) each one's addresses, and the
 * tables of each network other than this process's (the container's links, root's, unread).
 * Hand-made /proc in a temporary folder: {@code processes} root processes on the machine's network, whose namespace
 * links a developer's server may not read (so each one's addresses are read), their socket table holding 1,000
 * connections; then the container (3 processes, 172.17.0.2, limited to 4 GB), whose pids are the highest. Once
 * found, a sample costs what {@link ModelServerLimitsBenchmark#handMadeContainer()} measures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PublishedPortBenchmark {
    @Param({"100", "1000"})
    public int processes;

    @Param({"docker-proxy", "pasta", "rootlesskit", "rootlessport", "nat"})
    public String forwarder;

    private Path root;
    private final SystemProbe machine = () -> new SystemProbe.Snapshot(16_000, 12_000, 0.05);
    private final ConfigurationManager config = new ConfigurationManager();

    @Setup
    public void setUp() throws IOException {
        root = Files.createTempDirectory("warmup-published-bench");
        String header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
                + " inode\n";
        StringBuilder host = new StringBuilder(header);
        for (int i = 0; i < 1000; i++) {
            host.append(String.format(Locale.ROOT, "%4d: 0100007F:%04X 0100007F:%04X 01 00000000:00000000 00:00000000"
                    + " 00000000  1000        0 %d 1 0000000000000000 20 4 30 10 -1\n", i, 20000 + i, 50000 + i,
                    100000 + i));
        }
        if (!forwarder.equals("nat")) {
            host.append(listening(900)); // the forwarder's, on the machine's 11434
        }
        DataDirs.write(root, "hostnet/tcp", host.toString());
        DataDirs.write(root, "hostnet/tcp6", header);
        DataDirs.write(root, "hostnet/fib_trie", HOST_FIB_TRIE);
        DataDirs.write(root, "proc/net/tcp", host.toString());
        DataDirs.write(root, "proc/net/tcp6", header);
        DataDirs.write(root, "proc/self/mountinfo", "30 25 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n");
        for (int pid = 100; pid < 100 + processes; pid++) {
            Files.createDirectories(root.resolve("proc/" + pid));
            Files.createSymbolicLink(root.resolve("proc/" + pid + "/net"), root.resolve("hostnet"));
            DataDirs.write(root, "proc/" + pid + "/cgroup", "0::/system.slice/s" + pid + ".service\n");
            DataDirs.write(root, "proc/" + pid + "/comm", "s" + pid + "\n");
            DataDirs.write(root, "proc/" + pid + "/stat", pid + " (s" + pid + ") S 1 " + pid + " " + pid + " 0 -1\n");
        }
        if (forwarder.equals("rootlesskit")) { // docker-proxy, pid 98, in RootlessKit's network
            DataDirs.write(root, "proc/98/comm", "docker-proxy\n");
            DataDirs.write(root, "proc/98/cmdline", String.join("\0", List.of("/usr/bin/docker-proxy", "-proto",
                    "tcp", "-host-ip", "127.0.0.1", "-host-port", "11434", "-container-ip", "172.17.0.2",
                    "-container-port", "11434")) + "\0");
            Files.createDirectories(root.resolve("proc/98/ns"));
            Files.createSymbolicLink(root.resolve("proc/98/ns/net"), Path.of("net:[77]"));
            DataDirs.write(root, "proc/98/net/fib_trie", "Local:\n  +-- 10.0.2.0/24 2 0 2\n     |-- 10.0.2.100\n"
                    + "        /32 host LOCAL\n");
        }
        boolean podman4 = forwarder.equals("rootlessport"); // run again as /proc/self/exe, named by its argument
        DataDirs.write(root, "proc/99/comm", (podman4 ? "exe" : forwarder) + "\n");
        DataDirs.write(root, "run/netns-abc", "");
        Object namespace = Files.getAttribute(root.resolve("run/netns-abc"), "unix:ino");
        DataDirs.write(root, "proc/99/cmdline", String.join("\0", forwarder.equals("pasta")
                ? List.of("/usr/bin/pasta", "--config-net", "-t", "11434-11434:11434-11434", "--quiet", "--netns",
                        "/run/netns-abc")
                : forwarder.equals("rootlesskit") ? List.of("rootlesskit", "--net=slirp4netns", "--port-driver=builtin",
                        "dockerd-rootless.sh")
                : podman4 ? List.of("containers-rootlessport")
                : List.of("/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", "0.0.0.0", "-host-port", "11434",
                        "-container-ip", "172.17.0.2", "-container-port", "11434")) + "\0");
        if (podman4) { // its child, pid 98, in the container's network
            DataDirs.write(root, "proc/98/comm", "exe\n");
            DataDirs.write(root, "proc/98/cmdline", "containers-rootlessport-child\0");
            DataDirs.write(root, "proc/98/stat", "98 (exe) S 99 98 98 0 -1\n");
            Files.createDirectories(root.resolve("proc/98/ns"));
            Files.createSymbolicLink(root.resolve("proc/98/ns/net"), Path.of("net:[" + namespace + "]"));
        }
        Files.createDirectories(root.resolve("proc/99/fd"));
        Files.createSymbolicLink(root.resolve("proc/99/fd/7"), Path.of("socket:[900]"));
        DataDirs.write(root, "container/tcp", header + listening(2000) + (forwarder.equals("nat")
                ? "   1: 020011AC:2CAA 010011AC:B7DE 01 00000000:00000000 00:00000000 00000000     0        0 23028 1"
                        + " 0000000000000000 20 4 30 10 -1\n" : "")); // ours, from 172.17.0.1:47070 after the rule
        if (forwarder.equals("nat")) { // this process, on the machine's network
            Files.createDirectories(root.resolve("proc/self/ns"));
            Files.createSymbolicLink(root.resolve("proc/self/net"), root.resolve("hostnet"));
            Files.createSymbolicLink(root.resolve("proc/self/ns/net"), Path.of("net:[1]"));
        }
        DataDirs.write(root, "container/tcp6", header);
        DataDirs.write(root, "container/fib_trie",
                "Local:\n  +-- 172.17.0.0/16 2 0 2\n     |-- 172.17.0.2\n        /32 host LOCAL\n");
        for (int pid = 100_000; pid < 100_003; pid++) {
            Files.createDirectories(root.resolve("proc/" + pid));
            Files.createSymbolicLink(root.resolve("proc/" + pid + "/net"), root.resolve("container"));
            if (!forwarder.equals("nat")) { // a rootful container's links, root's, are not read
                Files.createDirectories(root.resolve("proc/" + pid + "/ns"));
                Files.createSymbolicLink(root.resolve("proc/" + pid + "/ns/net"), Path.of("net:[" + namespace + "]"));
            }
            DataDirs.write(root, "proc/" + pid + "/cgroup", "0::/docker-abc.scope\n");
        }
        DataDirs.write(root, "sys/fs/cgroup/docker-abc.scope/memory.max", "4294967296\n");
        DataDirs.write(root, "sys/fs/cgroup/docker-abc.scope/memory.current", "3221225472\n");
        DataDirs.write(root, "sys/fs/cgroup/docker-abc.scope/memory.stat", "anon 1\nfile 2\ninactive_file 0\n");
        config.apply(JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:11434\"}}}"));
        if (firstLook().memoryLimits().isEmpty()) {
            throw new IllegalStateException("the container's model server was not found");
        }
    }

    /** The machine's addresses as Linux lists them (in its main and local tables): loopback, a LAN, docker0. */
    private static final String HOST_FIB_TRIE;

    static {
        String table = "  +-- 0.0.0.0/0 3 0 5\n     |-- 0.0.0.0\n        /0 universe UNICAST\n"
                + "     +-- 127.0.0.0/8 2 0 2\n        +-- 127.0.0.0/31 1 0 0\n           |-- 127.0.0.0\n"
                + "              /8 host LOCAL\n           |-- 127.0.0.1\n              /32 host LOCAL\n"
                + "        |-- 127.255.255.255\n           /32 link BROADCAST\n"
                + "     +-- 172.17.0.0/16 2 0 2\n        |-- 172.17.0.0\n           /16 link UNICAST\n"
                + "        |-- 172.17.0.1\n           /32 host LOCAL\n        |-- 172.17.255.255\n"
                + "           /32 link BROADCAST\n"
                + "     +-- 192.168.1.0/24 2 0 2\n        +-- 192.168.1.0/28 2 0 2\n           |-- 192.168.1.0\n"
                + "              /24 link UNICAST\n           |-- 192.168.1.20\n              /32 host LOCAL\n"
                + "        |-- 192.168.1.255\n           /32 link BROADCAST\n";
        HOST_FIB_TRIE = "Main:\n" + table + "Local:\n" + table;
    }

    private static String listening(long inode) {
        return String.format(Locale.ROOT, "   0: 00000000:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
                + "     0        0 %d 1 0000000000000000 100 0 0 10 0\n", inode);
    }

    @TearDown
    public void tearDown() throws IOException {
        DataDirs.sizeAndDelete(root);
    }

    @Benchmark
    public SystemProbe.Snapshot firstLook() {
        return (forwarder.equals("nat") ? ModelServerProbe.over(machine, config::current, root,
                port -> new LoopbackConnector.Connection(47070, () -> { }))
                : ModelServerProbe.over(machine, config::current, root)).sample();
    }
}
