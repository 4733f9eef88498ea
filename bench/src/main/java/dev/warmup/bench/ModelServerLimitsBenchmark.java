package dev.warmup.bench;

import com.google.gson.JsonParser;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.resources.ModelServerProbe;
import dev.warmup.server.resources.SystemProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * What reading the model servers' cgroups adds to each 5-s sample of the machine: finding the process on each
 * loopback backend's port (the socket tables read every 30 s: the {@code FirstLook} methods) and reading its groups'
 * memory and CPU files (every sample). On a hand-made /proc and /sys/fs/cgroup in a
 * temporary folder (a v2 container, its model server listening on 11434) with {@code sockets} other TCP sockets in
 * /proc/net/tcp (a busy developer machine: browsers, containers, a language server or two), and on this machine's own
 * /proc with nothing listening on the port ({@code realNothingListening}: what every desktop without a limited model
 * server pays).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ModelServerLimitsBenchmark {
    @Param({"100", "10000"})
    public int sockets;

    private Path root;
    private final SystemProbe machine = () -> new SystemProbe.Snapshot(16_000, 12_000, 0.05);
    private final ConfigurationManager config = new ConfigurationManager();
    private final ConfigurationManager nowhere = new ConfigurationManager();
    private ModelServerProbe handMade;
    private ModelServerProbe real;

    @Setup
    public void setUp() throws IOException {
        root = Files.createTempDirectory("warmup-limits-bench");
        StringBuilder tcp = new StringBuilder(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        for (int i = 0; i < sockets; i++) { // established connections between other ports
            tcp.append(String.format(Locale.ROOT, "%4d: 0100007F:%04X 0100007F:%04X 01 00000000:00000000 00:00000000"
                    + " 00000000  1000        0 %d 1 0000000000000000 20 4 30 10 -1\n", i, 20000 + i % 30000,
                    50000 + i % 10000, 100000 + i));
        }
        tcp.append("9999: 0100007F:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1"
                + " 0000000000000000 100 0 0 10 0\n"); // 11434, listening
        DataDirs.write(root, "proc/net/tcp", tcp.toString());
        DataDirs.write(root, "proc/net/tcp6",
                "  sl  local_address remote_address st tx_queue rx_queue tr tm->when retrnsmt uid timeout"
                + " inode\n");
        DataDirs.write(root, "proc/self/mountinfo", "30 25 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n");
        DataDirs.write(root, "proc/4242/cgroup", "0::/\n");
        Files.createDirectories(root.resolve("proc/4242/fd"));
        Files.createSymbolicLink(root.resolve("proc/4242/fd/7"), Path.of("socket:[777]"));
        DataDirs.write(root, "sys/fs/cgroup/memory.max", "8589934592\n");
        DataDirs.write(root, "sys/fs/cgroup/memory.current", "4294967296\n");
        DataDirs.write(root, "sys/fs/cgroup/memory.stat", "anon 1\nfile 2\ninactive_file 1073741824\n");
        DataDirs.write(root, "sys/fs/cgroup/cpu.max", "200000 100000\n");
        DataDirs.write(root, "sys/fs/cgroup/cpu.stat", "usage_usec 123456\n");
        DataDirs.write(root, "sys/fs/cgroup/cpuset.cpus.effective", "0-3\n"); // every CPU: as most containers
        DataDirs.write(root, "sys/devices/system/cpu/online", "0-3\n");
        config.apply(JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:11434\"}}}"));
        handMade = ModelServerProbe.over(machine, config::current, root);
        nowhere.apply(JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:1\"}}}")); // port 1: nothing listens there
        real = ModelServerProbe.over(machine, nowhere::current, Path.of("/"));
        if (handMade.sample().memoryLimits().isEmpty()) {
            throw new IllegalStateException("the hand-made model server was not found");
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        DataDirs.sizeAndDelete(root);
    }

    @Benchmark
    public SystemProbe.Snapshot handMadeContainer() {
        return handMade.sample();
    }

    /** A first sample (as every 30 s): the socket tables read, the holder looked for, the group's files read. */
    @Benchmark
    public SystemProbe.Snapshot handMadeContainerFirstLook() {
        return ModelServerProbe.over(machine, config::current, root).sample();
    }

    @Benchmark
    public SystemProbe.Snapshot realNothingListening() {
        return real.sample();
    }

    @Benchmark
    public SystemProbe.Snapshot realNothingListeningFirstLook() {
        return ModelServerProbe.over(machine, nowhere::current, Path.of("/")).sample();
    }
}
