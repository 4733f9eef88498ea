package dev.warmup.server.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.LogCapture;
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
