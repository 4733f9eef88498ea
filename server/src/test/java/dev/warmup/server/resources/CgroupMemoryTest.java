package dev.warmup.server.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process's memory headroom under its cgroups' limits, on hand-made v1, v2 and hybrid trees. */
class CgroupMemoryTest {
    @TempDir Path dir;

    private Optional<CgroupMemory.Headroom> of(ProcTree t, long pid) {
        return new CgroupMemory(new CgroupPaths(t.root)).of(pid);
    }

    @Test
    void aV2ContainerLimitLessItsWorkingSet() {
        // a container with its own cgroup namespace: it sees its group as the root, mounted at /sys/fs/cgroup
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw,nsdelegate")
                .process(42, "0::/").v2("sys/fs/cgroup", 8192L, 6144, 1024);
        CgroupMemory.Headroom h = of(t, 42).orElseThrow();
        assertEquals(8192, h.limitMb());
        assertEquals(3072, h.availableMb(), "8 GB less a working set of 6 GB used less 1 GB of inactive cache");
        assertEquals(dir.resolve("sys/fs/cgroup"), h.group());
    }

    @Test
    void theTightestOfTheGroupAndItsParentsBinds() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw")
                .process(7, "0::/system.slice/ollama.service")
                .v2("sys/fs/cgroup/system.slice/ollama.service", 6000L, 1000, 0)
                .v2("sys/fs/cgroup/system.slice", 4000L, 3500, 0)
                .v2("sys/fs/cgroup", null, 9000, 0);
        CgroupMemory.Headroom h = of(t, 7).orElseThrow();
        assertEquals(new CgroupMemory.Headroom(4000, 500, dir.resolve("sys/fs/cgroup/system.slice")), h,
                "the slice leaves 500 MB, though the service's own limit leaves 5 GB");

        t.v2("sys/fs/cgroup/system.slice", null, 3500, 0);
        assertEquals(5000, of(t, 7).orElseThrow().availableMb(), "without the slice's limit, the service's");
    }

    @Test
    void aV1DockerContainerSeesItsOwnGroupMountedAsTheHierarchysRoot() {
        // no cgroup namespace: /proc/PID/cgroup names the host's path, mounted with that path as its root
        ProcTree t = new ProcTree(dir).mount("/docker/abc", "/sys/fs/cgroup/memory", "cgroup", "rw,memory")
                .mount("/docker/abc", "/sys/fs/cgroup/cpu,cpuacct", "cgroup", "rw,cpu,cpuacct")
                .process(1, "12:cpu,cpuacct:/docker/abc", "9:memory:/docker/abc", "0::/docker/abc")
                .v1("sys/fs/cgroup/memory", 2048L, 1800, 300);
        assertEquals(new CgroupMemory.Headroom(2048, 548, dir.resolve("sys/fs/cgroup/memory")), of(t, 1).orElseThrow());
    }

    @Test
    void onAHybridMachineTheMemoryControllerOfV1CountsNotTheUnifiedTree() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup/unified", "cgroup2", "rw")
                .mount("/", "/sys/fs/cgroup/memory", "cgroup", "rw,memory")
                .process(5, "4:memory:/user.slice/dev", "0::/user.slice/dev")
                .v1("sys/fs/cgroup/memory/user.slice/dev", 3000L, 1000, 0)
                .v1("sys/fs/cgroup/memory/user.slice", null, 1000, 0)
                .v1("sys/fs/cgroup/memory", null, 5000, 0)
                .v2("sys/fs/cgroup/unified/user.slice/dev", 100L, 90, 0);
        assertEquals(2000, of(t, 5).orElseThrow().availableMb());
    }

    @Test
    void noLimitAnywhereIsNoHeadroomToKeepWithin() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup/memory", "cgroup", "rw,memory")
                .process(9, "4:memory:/process_api/x").v1("sys/fs/cgroup/memory/process_api/x", null, 10, 0)
                .v1("sys/fs/cgroup/memory/process_api", null, 10, 0).v1("sys/fs/cgroup/memory", null, 10, 0);
        assertEquals(Optional.empty(), of(t, 9));
    }

    @Test
    void aGroupThisProcessCannotSeeOrReadIsNotKnown() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw")
                .process(3, "0::/../../outside") // another cgroup namespace's process, as the kernel writes it
                .process(4, "0::/gone") // a group removed meanwhile
                .process(6, "garbled") // not the kernel's format
                .v2("sys/fs/cgroup", 1000L, 10, 0);
        assertEquals(Optional.empty(), of(t, 3));
        assertEquals(Optional.empty(), of(t, 4));
        assertEquals(Optional.empty(), of(t, 6));
        assertEquals(Optional.empty(), of(t, 8), "no such process");
        t.write("sys/fs/cgroup/memory.max", "lots\n");
        t.process(11, "0::/");
        assertEquals(Optional.empty(), of(t, 11), "a limit that is not a number is none");
        assertEquals(Optional.empty(), new CgroupMemory(new CgroupPaths(dir.resolve("nothing"))).of(11), "no /proc at all");
    }

    @Test
    void aUseAboveTheLimitLeavesNothingAndAMountPointWithASpaceIsRead() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup\\040v2", "cgroup2", "rw")
                .process(12, "0::/box").v2("sys/fs/cgroup v2/box", 1000L, 1200, 0);
        assertEquals(0, of(t, 12).orElseThrow().availableMb());
    }

    @Test
    void thisProcessOnThisMachineReadsWithoutAnError() {
        Optional<CgroupMemory.Headroom> h = new CgroupMemory(new CgroupPaths(Path.of("/"))).of(ProcessHandle.current().pid());
        h.ifPresent(r -> assertTrue(r.limitMb() > 0 && r.availableMb() <= r.limitMb(), r.toString()));
    }
}
