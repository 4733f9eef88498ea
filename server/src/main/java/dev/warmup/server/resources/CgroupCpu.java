package dev.warmup.server.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * How busy a process's cgroup keeps the CPU time its quota allows (a container's {@code --cpus}, a pod's CPU limit, a
 * systemd unit's {@code CPUQuota}), between two looks: the group's CPU time over the wall time times the cores the
 * tightest quota of the group and its parents grants. cgroup v2: {@code cpu.max} ("QUOTA PERIOD", or "max") and
 * {@code cpu.stat}'s {@code usage_usec}; v1: {@code cpu.cfs_quota_us} (-1: none) over {@code cpu.cfs_period_us} and
 * the cpuacct controller's {@code cpuacct.usage} (nanoseconds) at the same height. A first look at a group reads its
 * use twice, {@link #FIRST_LOOK_MILLIS} apart, so that a quota already spent when its model server is found holds back
 * the first warm-ups too, not only those after the next sample. A {@code cpuset}: {@link CgroupCpuset}. Not
 * thread-safe.
 */
final class CgroupCpu {
    /**
     * @param load  the share of the quota's CPU time used since the last look, in [0, 1]
     * @param cores the CPUs' worth of time the quota grants
     * @param group the folder of the group whose quota binds
     */
    record Load(double load, double cores, Path group) {}

    /** A quota that binds, and what the group has used so far. */
    private record Quota(double cores, Path group, long usedNanos) {}

    private record Look(long usedNanos, long atNanos) {}

    /** How long a first look at a group waits between its two readings of the group's use. */
    static final long FIRST_LOOK_MILLIS = 200;

    private final CgroupPaths paths;
    private final LongSupplier nanoTime;
    private final LongConsumer pauseMillis;
    private final Map<Path, Look> last = new HashMap<>();

    /** A first look's pause does nothing (tests move {@code nanoTime} themselves): it has nothing to compare with. */
    CgroupCpu(CgroupPaths paths, LongSupplier nanoTime) {
        this(paths, nanoTime, millis -> { });
    }

    /** @param pauseMillis waits that long between a first look's two readings (the sampler's thread sleeps) */
    CgroupCpu(CgroupPaths paths, LongSupplier nanoTime, LongConsumer pauseMillis) {
        this.paths = paths;
        this.nanoTime = nanoTime;
        this.pauseMillis = pauseMillis;
    }

    /**
     * Process {@code pid}'s group's load since the last look at that group (or the last {@link #restart}), or, at the
     * first look, over a pause of {@link #FIRST_LOOK_MILLIS}; empty when no quota binds or it cannot be read.
     */
    Optional<Load> of(long pid) {
        return paths.membership(pid).flatMap(this::of);
    }

    /** {@link #of(long)} for a process of membership {@code m}. */
    Optional<Load> of(CgroupPaths.Membership m) {
        Optional<Quota> q = quota(m);
        if (q.isEmpty()) {
            return Optional.empty();
        }
        Quota first = q.get();
        long now = nanoTime.getAsLong();
        Look before = last.put(first.group(), new Look(first.usedNanos(), now));
        if (before == null) { // nothing to compare with: a second reading, a moment later
            before = new Look(first.usedNanos(), now);
            pauseMillis.accept(FIRST_LOOK_MILLIS);
            q = quota(m);
            if (q.isEmpty() || !q.get().group().equals(first.group())) {
                return Optional.empty();
            }
            now = nanoTime.getAsLong();
            last.put(first.group(), new Look(q.get().usedNanos(), now));
        }
        if (now <= before.atNanos()) {
            return Optional.empty();
        }
        double used = Math.max(0, q.get().usedNanos() - before.usedNanos());
        double load = Math.min(1, used / ((now - before.atNanos()) * q.get().cores()));
        return Optional.of(new Load(load, q.get().cores(), q.get().group()));
    }

    /** The next look at process {@code pid}'s group covers only what follows now. */
    void restart(long pid) {
        paths.membership(pid).ifPresent(this::restart);
    }

    /** {@link #restart(long)} for a process of membership {@code m}. */
    void restart(CgroupPaths.Membership m) {
        quota(m).ifPresent(q -> last.put(q.group(), new Look(q.usedNanos(), nanoTime.getAsLong())));
    }

    private Optional<Quota> quota(CgroupPaths.Membership m) {
        Optional<CgroupPaths.Group> cpu = paths.of(m, "cpu");
        if (cpu.isEmpty()) {
            return Optional.empty();
        }
        boolean v2 = cpu.get().v2();
        Optional<CgroupPaths.Group> acct = v2 ? cpu : paths.of(m, "cpuacct");
        if (acct.isEmpty()) {
            return Optional.empty();
        }
        List<Path> levels = cpu.get().upwards();
        List<Path> acctLevels = acct.get().upwards();
        Quota best = null;
        for (int i = 0; i < levels.size() && i < acctLevels.size(); i++) {
            Path d = levels.get(i);
            double cores = v2 ? coresV2(d) : coresV1(d);
            if (cores <= 0 || (best != null && cores >= best.cores())) {
                continue;
            }
            Path a = acctLevels.get(i);
            OptionalLong used = v2 ? micros(CgroupPaths.stat(a.resolve("cpu.stat"), "usage_usec"))
                    : CgroupPaths.number(a.resolve("cpuacct.usage"));
            if (used.isPresent()) {
                best = new Quota(cores, d, used.getAsLong());
            }
        }
        return Optional.ofNullable(best);
    }

    private static OptionalLong micros(OptionalLong usec) {
        return usec.isPresent() ? OptionalLong.of(usec.getAsLong() * 1000) : usec;
    }

    /** v2's cpu.max, "QUOTA PERIOD" in microseconds or "max PERIOD"; 0 for none. */
    private static double coresV2(Path d) {
        try {
            String[] f = Files.readString(d.resolve("cpu.max")).trim().split("\\s+");
            if (f.length == 2 && f[0].matches("\\d{1,12}") && f[1].matches("\\d{1,12}") && Long.parseLong(f[1]) > 0) {
                return (double) Long.parseLong(f[0]) / Long.parseLong(f[1]);
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    /** v1's cfs quota over its period; 0 for none (a quota of -1, or no such files). */
    private static double coresV1(Path d) {
        OptionalLong quota = CgroupPaths.number(d.resolve("cpu.cfs_quota_us")); // "-1" is no number: none
        OptionalLong period = CgroupPaths.number(d.resolve("cpu.cfs_period_us"));
        return quota.isPresent() && period.isPresent() && period.getAsLong() > 0
                ? (double) quota.getAsLong() / period.getAsLong() : 0;
    }
}
