package dev.warmup.server.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.warmup.server.config.ConfigurationManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPUs a model server's cgroup may run on, where fewer than the machine's, and how busy they are, on hand-made
 * /proc/stat and cgroup trees.
 */
class CgroupCpusetTest {
    @TempDir Path dir;

    /** /proc/stat of a machine of 4 CPUs: each CPU's (not idle, idle) ticks, as user time and idle time. */
    private static void stat(ProcTree t, long[][] busyIdle) {
        StringBuilder s = new StringBuilder("cpu  1 2 3 4 5 6 7 8 0 0\n");
        for (int cpu = 0; cpu < busyIdle.length; cpu++) {
            s.append("cpu").append(cpu).append(' ').append(busyIdle[cpu][0]).append(" 0 0 ").append(busyIdle[cpu][1])
                    .append(" 0 0 0 0 0 0\n");
        }
        t.write("proc/stat", s + "intr 1 2 3\nctxt 4\n");
    }

    @Test
    void theShareOfTheSetsCpusNotIdleBetweenTwoLooksTheFirstOverAPause() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw").process(42, "0::/box");
        t.write("sys/fs/cgroup/box/cpuset.cpus.effective", "2-3\n");
        stat(t, new long[][] {{0, 0}, {0, 0}, {100, 100}, {100, 100}});
        List<Long> paused = new ArrayList<>();
        CgroupPaths paths = new CgroupPaths(t.root);
        CgroupCpuset sets = new CgroupCpuset(t.root, paths, millis -> {
            paused.add(millis); // CPU 2 busy all the 20 ticks, CPU 3 half: 30 of 40; CPUs 0 and 1 idle
            stat(t, new long[][] {{0, 20}, {0, 20}, {120, 100}, {110, 110}});
        });
        CgroupPaths.Membership m = paths.membership(42).orElseThrow();
        assertEquals(Optional.of(new CgroupCpuset.Load(0.75, "2-3", 2, 4, dir.resolve("sys/fs/cgroup/box"))),
                sets.of(m));
        assertEquals(List.of(CgroupCpu.FIRST_LOOK_MILLIS), paused);
        stat(t, new long[][] {{0, 40}, {0, 40}, {120, 120}, {110, 130}}); // both idle since
        assertEquals(0.0, sets.of(m).orElseThrow().load());
        assertEquals(1, paused.size(), "only the first look waits");
        stat(t, new long[][] {{0, 60}, {0, 60}, {140, 120}, {130, 130}}); // a load of ours kept both busy
        sets.restart(m); // it ended: what follows only
        stat(t, new long[][] {{0, 80}, {0, 80}, {150, 130}, {130, 150}});
        assertEquals(0.25, sets.of(m).orElseThrow().load(), 1e-9);
    }

    @Test
    void aSetOfEveryCpuOrNoneReadableIsNoBoundAndAV2GroupWithoutTheControllerTakesItsParents() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw")
                .process(1, "0::/all").process(2, "0::/pod/model").process(3, "0::/none");
        t.write("sys/fs/cgroup/all/cpuset.cpus.effective", "0-3\n");
        t.write("sys/fs/cgroup/pod/cpuset.cpus.effective", "1\n"); // the model's group has no cpuset files
        t.write("sys/fs/cgroup/pod/model/cgroup.procs", "2\n");
        t.write("sys/fs/cgroup/none/cgroup.procs", "3\n");
        stat(t, new long[][] {{0, 0}, {5, 5}, {0, 0}, {0, 0}});
        CgroupPaths paths = new CgroupPaths(t.root);
        CgroupCpuset sets = new CgroupCpuset(t.root, paths,
                millis -> stat(t, new long[][] {{0, 10}, {15, 5}, {0, 10}, {0, 10}})); // CPU 1 busy throughout
        assertEquals(Optional.empty(), sets.of(paths.membership(1).orElseThrow()), "all four: the machine's reading");
        t.write("sys/devices/system/cpu/online", "0-3\n");
        t.write("proc/stat", "unreadable\n");
        assertEquals(Optional.empty(), sets.of(paths.membership(1).orElseThrow()), "told by the CPUs online alone");
        stat(t, new long[][] {{0, 0}, {5, 5}, {0, 0}, {0, 0}});
        CgroupCpuset.Load pod = sets.of(paths.membership(2).orElseThrow()).orElseThrow();
        assertEquals("1", pod.cpus());
        assertEquals(1.0, pod.load());
        assertEquals(dir.resolve("sys/fs/cgroup/pod"), pod.group());
        assertEquals(Optional.empty(), sets.of(paths.membership(3).orElseThrow()));
    }

    @Test
    void theKernelsCpuLists() {
        assertEquals(Set.of(0, 1, 2, 3, 8, 10, 11), CgroupCpuset.list("0-3,8,10-11"));
        assertEquals(Set.of(5), CgroupCpuset.list("5"));
        assertTrue(CgroupCpuset.list("").isEmpty());
        assertTrue(CgroupCpuset.list("0-x").isEmpty());
    }

    @Test
    void aBusyCpusetIsListedBesideTheMachineNamingItsCpus() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw")
                .socket("tcp", "0100007F", 11434, "0A", 900).holds(4242, 7, 900).process(4242, "0::/box");
        t.write("sys/fs/cgroup/box/cpuset.cpus.effective", "3\n");
        stat(t, new long[][] {{0, 0}, {0, 0}, {0, 0}, {0, 0}});
        ConfigurationManager config = new ConfigurationManager();
        config.apply(JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:11434\"}}}"));
        ModelServerProbe probe = ModelServerProbe.over(() -> new SystemProbe.Snapshot(16_000, 9_000, 0.25),
                config::current, t.root);
        probe.sample(); // the first look: the real pause, /proc/stat unchanged: no tick, no load yet
        stat(t, new long[][] {{0, 10}, {0, 10}, {0, 10}, {10, 0}}); // CPU 3 busy throughout; the others idle
        List<SystemProbe.CpuLimit> limits = probe.sample().cpuLimits();
        assertEquals(1, limits.size(), limits.toString());
        assertEquals(1.0, limits.get(0).load());
        assertEquals(Set.of("local"), limits.get(0).backends());
        assertEquals("the cpuset of the cgroup of backend local's model server (port 11434, pid 4242, "
                + dir.resolve("sys/fs/cgroup/box") + ": CPU 3, 1 of the machine's 4)", limits.get(0).where());
    }
}
