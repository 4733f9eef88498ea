package dev.warmup.server.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * The CPUs a process's cgroup may run on, where fewer than the machine's (a container's {@code --cpuset-cpus}, a pod
 * given whole CPUs by Kubernetes' static CPU manager), and how busy they are between two looks: the share of their
 * time not idle in {@code /proc/stat}'s per-CPU lines. That is everyone's work on them, not the group's alone: what
 * slows a model server's loads and the developer's tools on those CPUs, though the machine's average reads idle.
 * cgroup v2: {@code cpuset.cpus.effective} of the group or the nearest parent that has it; v1: the cpuset
 * controller's {@code cpuset.effective_cpus}. A first look reads {@code /proc/stat} twice,
 * {@link CgroupCpu#FIRST_LOOK_MILLIS} apart. Not thread-safe.
 */
final class CgroupCpuset {
    /**
     * @param load        the share of the CPUs' time not idle since the last look, in [0, 1]
     * @param cpus        the CPUs, as the kernel lists them ("2-3", "0,4")
     * @param count       how many they are
     * @param machineCpus how many the machine has online
     * @param group       the folder of the group whose cpuset this is
     */
    record Load(double load, String cpus, int count, int machineCpus, Path group) {}

    private final Path root;
    private final CgroupPaths paths;
    private final LongConsumer pauseMillis;
    private final Map<Path, Map<Integer, long[]>> last = new HashMap<>(); // per group: each CPU's times then

    /**
     * @param root        the file system's root: "/" but in tests
     * @param pauseMillis waits that long between a first look's two readings
     */
    CgroupCpuset(Path root, CgroupPaths paths, LongConsumer pauseMillis) {
        this.root = root;
        this.paths = paths;
        this.pauseMillis = pauseMillis;
    }

    /** The load of the CPUs of the cpuset of a process of membership {@code m}; empty when it has all of them. */
    Optional<Load> of(CgroupPaths.Membership m) {
        Optional<Cpus> set = cpus(m);
        if (set.isEmpty()) {
            return Optional.empty();
        }
        int online = online(); // a small file, where /proc/stat's interrupt counts run to kilobytes
        if (online > 0 && set.get().ids().size() >= online) {
            return Optional.empty();
        }
        Map<Integer, long[]> now = times();
        if (now.isEmpty() || set.get().ids().size() >= now.size() || !now.keySet().containsAll(set.get().ids())) {
            return Optional.empty(); // all the machine's CPUs (or /proc/stat unreadable): the machine's reading says it
        }
        Map<Integer, long[]> before = last.get(set.get().group());
        if (before == null) { // nothing to compare with: a second reading, a moment later
            before = now;
            pauseMillis.accept(CgroupCpu.FIRST_LOOK_MILLIS);
            now = times();
        }
        last.put(set.get().group(), now);
        long busy = 0;
        long total = 0;
        for (int cpu : set.get().ids()) {
            long[] a = before.get(cpu);
            long[] b = now.get(cpu);
            if (a != null && b != null) {
                busy += Math.max(0, b[0] - a[0]);
                total += Math.max(0, b[1] - a[1]);
            }
        }
        if (total <= 0) {
            return Optional.empty(); // no tick since the last look
        }
        return Optional.of(new Load(Math.min(1, (double) busy / total), set.get().text(), set.get().ids().size(),
                now.size(), set.get().group()));
    }

    /**
     * The next look at the cpuset of a process of membership {@code m} covers only what follows now; nothing to do for
     * a set of every CPU online, which is not watched.
     */
    void restart(CgroupPaths.Membership m) {
        cpus(m).filter(set -> last.containsKey(set.group())).ifPresent(set -> last.put(set.group(), times()));
    }

    private record Cpus(TreeSet<Integer> ids, String text, Path group) {}

    private Optional<Cpus> cpus(CgroupPaths.Membership m) {
        Optional<CgroupPaths.Group> g = paths.of(m, "cpuset");
        if (g.isEmpty()) {
            return Optional.empty();
        }
        String file = g.get().v2() ? "cpuset.cpus.effective" : "cpuset.effective_cpus";
        for (Path d : g.get().upwards()) {
            try {
                String text = Files.readString(d.resolve(file)).trim();
                TreeSet<Integer> ids = list(text);
                return ids.isEmpty() ? Optional.empty() : Optional.of(new Cpus(ids, text, d));
            } catch (IOException | RuntimeException e) {
                // v2: the controller not enabled here; its parent's set holds
            }
        }
        return Optional.empty();
    }

    /** How many CPUs the machine has online ({@code /sys/devices/system/cpu/online}); 0 when unreadable. */
    private int online() {
        try {
            return list(Files.readString(root.resolve("sys/devices/system/cpu/online")).trim()).size();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The kernel's CPU list, "0-3,8,10-11"; empty when not one. */
    static TreeSet<Integer> list(String text) {
        TreeSet<Integer> out = new TreeSet<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String part : text.split(",")) {
            String[] ends = part.trim().split("-", 2);
            if (!ends[0].matches("\\d{1,5}") || ends.length == 2 && !ends[1].matches("\\d{1,5}")) {
                return new TreeSet<>();
            }
            int first = Integer.parseInt(ends[0]);
            int lastCpu = ends.length == 2 ? Integer.parseInt(ends[1]) : first;
            for (int c = first; c <= lastCpu && out.size() <= 65536; c++) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * /proc/stat's per-CPU lines, "cpuN user nice system idle iowait irq softirq steal ...": per online CPU its time
     * not idle (all but idle and iowait) and its time in all; empty when unreadable.
     */
    private Map<Integer, long[]> times() {
        Map<Integer, long[]> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(root.resolve("proc/stat"))) {
                if (!line.startsWith("cpu") || line.startsWith("cpu ")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                if (f.length < 9 || !f[0].substring(3).matches("\\d{1,5}")) {
                    continue;
                }
                long total = 0;
                for (int i = 1; i <= 8; i++) {
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                out.put(Integer.parseInt(f[0].substring(3)), new long[] {total - idle, total});
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }
}
