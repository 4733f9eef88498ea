package dev.warmup.server.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.warmup.server.LogCapture;
import dev.warmup.server.config.ConfigurationManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers of Linux's files under what the kernel would never write, and a reader's fault. */
class ModelServerProbeTest {
    private static final SystemProbe.Snapshot MACHINE = new SystemProbe.Snapshot(16_000, 9_000, 0.05);
    @TempDir Path dir;

    @Test
    void aReadersFaultLeavesTheMachinesReadingAndIsLoggedWithItsCode() {
        try (LogCapture log = new LogCapture(ModelServerProbe.class)) {
            ModelServerProbe probe = ModelServerProbe.over(() -> MACHINE, () -> {
                throw new IllegalStateException("a bug");
            }, dir);
            assertEquals(MACHINE, probe.sample());
            assertEquals(MACHINE, probe.sample());
            assertEquals(1, log.messages.size(), "said once a minute: " + log.messages);
            assertTrue(log.messages.get(0).startsWith("WMP-8007 ") && log.messages.get(0).contains("a bug"),
                    log.messages.get(0));
        }
    }

    /** Files of a v2 container and a v1 memory hierarchy, a listening socket, then some of them garbled. */
    @Test
    void garbledFilesAreNeverAnErrorAndWhatTheyGiveStaysWithinBounds() throws Exception {
        Random random = new Random(Long.getLong("fuzz.seed", 20261203));
        int bounded = 0;
        int rounds = Integer.getInteger("fuzz.n", 400);
        for (int round = 0; round < rounds; round++) {
            ProcTree t = new ProcTree(dir.resolve("r" + round)).mount("/", "/sys/fs/cgroup", "cgroup2", "rw")
                    .mount("/docker/x", "/sys/fs/cgroup/memory", "cgroup", "rw,memory")
                    .process(42, "0::/a/b", "9:memory:/docker/x").process(43, "0::/a/b")
                    .v2("sys/fs/cgroup/a/b", 4096L, 1000, 10).v2("sys/fs/cgroup/a", 2048L, 1500, 0)
                    .cpuV2("sys/fs/cgroup/a/b", "200000 100000", 5).cpuV2("sys/fs/cgroup/a", "100000 100000", 5)
                    .v1("sys/fs/cgroup/memory", 1000L, 10, 0)
                    .socket("tcp", "0100007F", 11434, "0A", 77).holds(43, 3, 77);
            try (Stream<Path> files = Files.walk(t.root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    if (random.nextInt(3) == 0) {
                        Files.write(f, garble(Files.readAllBytes(f), random));
                    }
                }
            }
            AtomicLong nanos = new AtomicLong();
            CgroupPaths paths = new CgroupPaths(t.root);
            CgroupCpu cpu = new CgroupCpu(paths, nanos::get);
            for (long pid : List.of(42L, 43L)) {
                var h = new CgroupMemory(paths).of(pid);
                if (h.isPresent()) {
                    bounded++;
                    assertTrue(h.get().availableMb() >= 0 && h.get().availableMb() <= h.get().limitMb(), h.toString());
                }
                cpu.of(pid);
                nanos.addAndGet(1_000_000_000L);
                cpu.of(pid).ifPresent(l -> assertTrue(l.load() >= 0 && l.load() <= 1 && l.cores() > 0, l.toString()));
            }
            new ListeningProcess(t.root, nanos::get).on(11434).ifPresent(pid -> assertTrue(pid >= 0));
        }
        assertTrue(bounded > rounds / 4, "most rounds still find a limit: " + bounded);
    }

    /**
     * A machine with three model servers: one in a Docker container behind docker-proxy (and, for other backends,
     * behind rootless Docker's RootlessKit and a docker-proxy in its network, and behind a NAT rule), one in a rootless
     * Podman container behind pasta (and behind Podman 4's rootlessport), and one of the developer's in a group with a
     * memory limit, a CPU quota and a cpuset of one CPU; then some of the files garbled, and some of the links /proc
     * writes (descriptors, network namespaces) pointed elsewhere. Two samples a round, the second a second later.
     */
    @Test
    void garbledForwardersContainersAndCpusetsAreNeverAnError() throws Exception {
        Random random = new Random(Long.getLong("fuzz.seed", 20261204));
        int rounds = Integer.getInteger("fuzz.n", 200);
        int forwarded = 0;
        ConfigurationManager config = new ConfigurationManager();
        config.apply(JsonParser.parseString("{\"backends\": {\"docker\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:11434\"}, \"podman\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:11435\"}, \"mine\": {\"type\": \"llamacpp\", \"url\":"
                + " \"http://127.0.0.1:11436\"}, \"rootless\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:11437\"}, \"natted\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:11438\"}, \"podman4\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:11439\"}}}"));
        for (int round = 0; round < rounds; round++) {
            ProcTree t = threeServers(dir.resolve("f" + round));
            stat(t.root, 0);
            garbleSome(t.root, random);
            AtomicLong nanos = new AtomicLong();
            int[] ticks = {0};
            LoopbackConnector nat = port -> { // a NAT rule sends 11438 to the Docker container's 11434
                if (port != 11438) {
                    throw new java.net.ConnectException("refused");
                }
                t.connection(4242, "020011AC", 11434, "010011AC", 47070);
                return new LoopbackConnector.Connection(47070, () -> { });
            };
            ModelServerLimits limits = new ModelServerLimits(config::current, t.root, nanos::get, millis -> {
                nanos.addAndGet(millis * 1_000_000);
                stat(t.root, ++ticks[0]);
                garbleSometimes(t.root.resolve("proc/stat"), random);
            }, nat);
            for (int sample = 0; sample < 2; sample++) {
                SystemProbe.Snapshot s = limits.bound(MACHINE);
                for (SystemProbe.MemoryLimit l : s.memoryLimits()) {
                    assertTrue(l.availableMb() >= 0 && l.availableMb() <= l.limitMb(), l.toString());
                    forwarded += l.where().contains("forwarded by") ? 1 : 0;
                }
                for (SystemProbe.CpuLimit l : s.cpuLimits()) {
                    assertTrue(l.load() >= 0 && l.load() <= 1 && l.cores() > 0, l.toString());
                }
                nanos.addAndGet(1_000_000_000L);
                stat(t.root, ++ticks[0]);
                garbleSometimes(t.root.resolve("proc/stat"), random);
            }
        }
        assertTrue(forwarded > rounds / 4, "most rounds still find a container behind a forwarder: " + forwarded);
    }

    /**
     * /proc/stat of 4 CPUs {@code tick} tenths of a second on (CPU 1 busy throughout, CPU 3 half the time), and the use
     * of the two groups' quotas (the container's CPU busy, the developer's server at 0.3 of one).
     */
    private static void stat(Path root, int tick) {
        try {
            Files.writeString(root.resolve("proc/stat"), "cpu  1 2 3 4 5 6 7 8 0 0\n" + "cpu0 0 0 0 " + 10 * tick
                    + " 0 0 0 0 0 0\ncpu1 " + 10 * tick + " 0 0 0 0 0 0 0 0 0\ncpu2 0 0 0 " + 10 * tick
                    + " 0 0 0 0 0 0\ncpu3 " + 5 * tick + " 0 0 " + 5 * tick + " 0 0 0 0 0 0\nintr 1 2\n");
            Files.createDirectories(root.resolve(DOCKER_GROUP));
            Files.createDirectories(root.resolve("sys/fs/cgroup/mine"));
            Files.writeString(root.resolve(DOCKER_GROUP + "/cpu.stat"), "usage_usec " + 100_000L * tick + "\n");
            Files.writeString(root.resolve("sys/fs/cgroup/mine/cpu.stat"), "usage_usec " + 30_000L * tick + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final String DOCKER_GROUP = "sys/fs/cgroup/system.slice/docker-abc.scope";

    /** The three model servers' files under {@code root} (the CPU quotas' use as at the start). */
    private static ProcTree threeServers(Path root) {
        ProcTree t = new ProcTree(root).mount("/", "/sys/fs/cgroup", "cgroup2", "rw").network("self", 1);
        t.write("sys/devices/system/cpu/online", "0-3\n");
        // Docker: docker-proxy (pid 812) publishes the container's 172.17.0.2:11434 (pids 4242 and 4243)
        t.socket("tcp", "00000000", 11434, "0A", 900, 0).holds(812, 7, 900).program(812, "docker-proxy")
                .commandLine(812, "/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", "0.0.0.0", "-host-port",
                        "11434", "-container-ip", "172.17.0.2", "-container-port", "11434")
                .process(812, "0::/system.slice/docker.service").network("812", 1)
                .v2("sys/fs/cgroup/system.slice/docker.service", 1024L, 900, 0);
        for (long pid : new long[] {4242, 4243}) {
            t.socketOf(pid, "tcp6", "00000000000000000000000000000000", 11434, 2000, 0).address(pid, "172.17.0.2")
                    .process(pid, "0::/system.slice/docker-abc.scope").network("" + pid, 2);
        }
        t.v2(DOCKER_GROUP, 4096L, 3072, 10).cpuV2(DOCKER_GROUP, "100000 100000", 0);
        t.write(DOCKER_GROUP + "/cpuset.cpus.effective", "1\n");
        // rootless Podman: pasta (pid 900) forwards the machine's 11435 to 8080 of the namespace bound at a file
        t.write("run/user/1000/netns/netns-abc", "");
        t.socket("tcp", "0100007F", 11435, "0A", 901, 1000).holds(900, 7, 901).program(900, "pasta")
                .network("900", 1).process(900, "0::/user.slice/user-1000.slice/user@1000.service")
                .commandLine(900, "/usr/bin/pasta", "--config-net", "-t", "11435:8080", "--netns",
                        "/run/user/1000/netns/netns-abc");
        t.socketOf(5242, "tcp", "00000000", 8080, 2100, 1000).address(5242, "192.168.1.20")
                .process(5242, "0::/user.slice/libpod-abc.scope").v2("sys/fs/cgroup/user.slice/libpod-abc.scope",
                        2048L, 1000, 0);
        try {
            long ns = (Long) Files.getAttribute(root.resolve("run/user/1000/netns/netns-abc"), "unix:ino");
            t.network("5242", ns).network("911", ns); // Podman 4's rootlessport (pid 910) has its child there
            t.socket("tcp", "00000000", 11439, "0A", 910, 1000).holds(910, 7, 910).program(910, "exe")
                    .commandLine(910, "containers-rootlessport").program(911, "exe")
                    .commandLine(911, "containers-rootlessport-child").parent(911, 910);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // rootless Docker: RootlessKit (pid 950) forwards the machine's 11437 to docker-proxy (pid 1500) in its network
        t.socket("tcp", "00000000", 11437, "0A", 950, 1000).holds(950, 7, 950).program(950, "rootlesskit")
                .network("950", 1).program(1500, "docker-proxy").network("1500", 5).parent(1500, 950)
                .commandLine(1500, "docker-proxy", "-host-ip", "127.0.0.1", "-host-port", "11437", "-container-ip",
                        "172.17.0.2", "-container-port", "11434");
        // the developer's own model server, pid 42, in a group with a memory limit, a quota and two CPUs
        t.socket("tcp", "0100007F", 11436, "0A", 77, 1000).holds(42, 3, 77).program(42, "llama-server")
                .process(42, "0::/mine").v2("sys/fs/cgroup/mine", 3000L, 2500, 100)
                .cpuV2("sys/fs/cgroup/mine", "50000 100000", 0);
        t.write("sys/fs/cgroup/mine/cpuset.cpus.effective", "2-3\n");
        return t;
    }

    /** A third of the files garbled; a sixth of the links pointed at a garbled target. */
    private static void garbleSome(Path root, Random random) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                if (Files.isSymbolicLink(p) && random.nextInt(6) == 0) {
                    String target = new String(garble(Files.readSymbolicLink(p).toString()
                            .getBytes(StandardCharsets.ISO_8859_1), random), StandardCharsets.ISO_8859_1);
                    Files.delete(p);
                    Files.createSymbolicLink(p, Path.of(target.replace("\0", "").replace('/', '_') + "x"));
                } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && random.nextInt(3) == 0) {
                    Files.write(p, garble(Files.readAllBytes(p), random));
                }
            }
        }
    }

    /** {@code file} garbled a third of the time. */
    private static void garbleSometimes(Path file, Random random) {
        if (random.nextInt(3) == 0) {
            try {
                Files.write(file, garble(Files.readAllBytes(file), random));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** One to three of: bytes replaced (a digit, a separator, a byte that is not UTF-8, a NUL), cut, a line doubled. */
    private static byte[] garble(byte[] in, Random random) {
        byte[] out = in.clone();
        for (int n = 1 + random.nextInt(3); n > 0 && out.length > 0; n--) {
            switch (random.nextInt(4)) {
                case 0 -> out[random.nextInt(out.length)] = (byte) "0123456789 :-/\n\t".charAt(random.nextInt(16));
                case 1 -> out[random.nextInt(out.length)] = (byte) (random.nextBoolean() ? 0xC3 : 0);
                case 2 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length));
                default -> {
                    String s = new String(out, StandardCharsets.ISO_8859_1);
                    out = (s + s + "99999999999999999999999\n").getBytes(StandardCharsets.ISO_8859_1);
                }
            }
        }
        return out;
    }
}
