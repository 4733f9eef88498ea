package dev.warmup.server.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How busy a process's cgroup keeps its CPU quota, on hand-made v1 and v2 trees and a clock the test moves. */
class CgroupCpuTest {
    private static final long SECOND = 1_000_000_000L;
    @TempDir Path dir;
    private final AtomicLong nanos = new AtomicLong(5 * SECOND);

    private CgroupCpu cpu(ProcTree t) {
        return new CgroupCpu(new CgroupPaths(t.root), nanos::get);
    }

    /** A reader that has looked at process {@code pid} once, a second ago. */
    private CgroupCpu lookedAt(ProcTree t, long pid) {
        CgroupCpu cpu = cpu(t);
        cpu.of(pid);
        nanos.addAndGet(SECOND);
        return cpu;
    }

    @Test
    void theShareOfAV2QuotaUsedBetweenTwoLooks() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw").process(42, "0::/")
                .cpuV2("sys/fs/cgroup", "200000 100000", 7_000_000);
        CgroupCpu cpu = cpu(t);
        assertEquals(Optional.empty(), cpu.of(42), "a first look has nothing to compare with");
        nanos.addAndGet(2 * SECOND);
        t.cpuV2("sys/fs/cgroup", "200000 100000", 10_000_000); // 3 s of CPU in 2 s, of the 4 s two CPUs give
        assertEquals(Optional.of(new CgroupCpu.Load(0.75, 2.0, dir.resolve("sys/fs/cgroup"))), cpu.of(42));
        nanos.addAndGet(SECOND);
        t.cpuV2("sys/fs/cgroup", "200000 100000", 20_000_000); // more than the quota allows: throttled, full
        assertEquals(1.0, cpu.of(42).orElseThrow().load());
    }

    @Test
    void aFirstLookReadsTheGroupsUseTwiceAMomentApart() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw").process(42, "0::/")
                .cpuV2("sys/fs/cgroup", "50000 100000", 7_000_000); // half a CPU
        List<Long> paused = new ArrayList<>();
        CgroupCpu cpu = new CgroupCpu(new CgroupPaths(t.root), nanos::get, millis -> {
            paused.add(millis);
            nanos.addAndGet(millis * 1_000_000);
            t.cpuV2("sys/fs/cgroup", "50000 100000", 7_090_000); // 90 ms of CPU in the 200 ms: 90 % of half a CPU
        });
        assertEquals(0.9, cpu.of(42).orElseThrow().load(), 1e-9, "spent already when first seen");
        assertEquals(List.of(CgroupCpu.FIRST_LOOK_MILLIS), paused);
        nanos.addAndGet(SECOND);
        t.cpuV2("sys/fs/cgroup", "50000 100000", 7_140_000); // 50 ms in the second since the first look's end
        assertEquals(0.1, cpu.of(42).orElseThrow().load(), 1e-9);
        assertEquals(1, paused.size(), "only the first look waits");
    }

    @Test
    void theTightestQuotaOfTheGroupAndItsParentsBindsWithItsOwnUse() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw")
                .process(7, "0::/pod/model")
                .cpuV2("sys/fs/cgroup/pod/model", "400000 100000", 0)
                .cpuV2("sys/fs/cgroup/pod", "100000 100000", 0)
                .cpuV2("sys/fs/cgroup", "max 100000", 0);
        CgroupCpu cpu = lookedAt(t, 7);
        t.cpuV2("sys/fs/cgroup/pod/model", "400000 100000", 200_000).cpuV2("sys/fs/cgroup/pod", "100000 100000", 600_000);
        assertEquals(Optional.of(new CgroupCpu.Load(0.6, 1.0, dir.resolve("sys/fs/cgroup/pod"))), cpu.of(7),
                "the pod's one CPU, 0.6 s of it used in its group, binds before the model server's own four");
    }

    @Test
    void v1WithCpuAndCpuacctMountedTogetherOrApart() {
        ProcTree together = new ProcTree(dir.resolve("a"))
                .mount("/docker/abc", "/sys/fs/cgroup/cpu,cpuacct", "cgroup", "rw,cpu,cpuacct")
                .process(1, "5:cpu,cpuacct:/docker/abc").cpuV1("sys/fs/cgroup/cpu,cpuacct", 50_000, 100_000, 0);
        CgroupCpu a = lookedAt(together, 1);
        together.cpuV1("sys/fs/cgroup/cpu,cpuacct", 50_000, 100_000, SECOND / 10);
        assertEquals(0.2, a.of(1).orElseThrow().load(), 1e-9, "0.1 s of the half CPU's 0.5 s");

        ProcTree apart = new ProcTree(dir.resolve("b"))
                .mount("/", "/sys/fs/cgroup/cpu", "cgroup", "rw,cpu")
                .mount("/", "/sys/fs/cgroup/cpuacct", "cgroup", "rw,cpuacct")
                .process(2, "4:cpu:/box", "3:cpuacct:/box");
        apart.write("sys/fs/cgroup/cpu/box/cpu.cfs_quota_us", "100000\n");
        apart.write("sys/fs/cgroup/cpu/box/cpu.cfs_period_us", "100000\n");
        apart.write("sys/fs/cgroup/cpuacct/box/cpuacct.usage", "0\n");
        CgroupCpu b = lookedAt(apart, 2);
        apart.write("sys/fs/cgroup/cpuacct/box/cpuacct.usage", SECOND / 2 + "\n");
        assertEquals(0.5, b.of(2).orElseThrow().load(), 1e-9);
    }

    @Test
    void noQuotaOrUnreadableFilesIsNoLoad() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw").process(3, "0::/")
                .cpuV2("sys/fs/cgroup", "max 100000", 0);
        CgroupCpu cpu = lookedAt(t, 3);
        assertEquals(Optional.empty(), cpu.of(3));
        t.write("sys/fs/cgroup/cpu.max", "garbled\n");
        assertEquals(Optional.empty(), cpu.of(3));
        ProcTree v1 = new ProcTree(dir.resolve("v1")).mount("/", "/sys/fs/cgroup/cpu,cpuacct", "cgroup", "rw,cpu,cpuacct")
                .process(4, "2:cpu,cpuacct:/").cpuV1("sys/fs/cgroup/cpu,cpuacct", -1, 100_000, 0);
        assertEquals(Optional.empty(), lookedAt(v1, 4).of(4), "a quota of -1 is none");
    }

    @Test
    void afterARestartTheNextLookCoversOnlyWhatFollows() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw").process(9, "0::/")
                .cpuV2("sys/fs/cgroup", "100000 100000", 0);
        CgroupCpu cpu = cpu(t);
        cpu.of(9);
        nanos.addAndGet(5 * SECOND);
        t.cpuV2("sys/fs/cgroup", "100000 100000", 5_000_000); // a load of ours kept it busy for 5 s
        cpu.restart(9);
        nanos.addAndGet(SECOND);
        t.cpuV2("sys/fs/cgroup", "100000 100000", 5_100_000);
        assertEquals(0.1, cpu.of(9).orElseThrow().load(), 1e-9, "the second after the load, not the load's seconds");
    }
}
