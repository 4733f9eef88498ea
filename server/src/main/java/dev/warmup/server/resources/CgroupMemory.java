package dev.warmup.server.resources;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How much more memory a process may take before a memory limit of its cgroups is reached (a container's, a Kubernetes
 * pod's, a systemd unit's {@code MemoryMax}): the files of its group ({@link CgroupPaths}) and of each parent up to
 * the mount, cgroup v2's ({@code memory.max}, {@code memory.current}, {@code memory.stat}'s {@code inactive_file}) or
 * v1's memory controller's ({@code memory.limit_in_bytes}, {@code memory.usage_in_bytes}, {@code total_inactive_file}).
 * The use counted is the working set, the use less the inactive file cache that the kernel reclaims before it kills
 * (the kubelet counts it so). A group that cannot be seen or read is not known: empty.
 */
final class CgroupMemory {
    /** v1 writes "no limit" as the largest page-aligned number; anything this large is none. */
    private static final long UNLIMITED = 1L << 60;
    private static final long MB = 1024 * 1024;

    /**
     * @param limitMb     the limit that binds: the group's, or a parent's, whichever leaves the least
     * @param availableMb that limit less the working set of its group
     * @param group       the folder of the group whose limit binds
     */
    record Headroom(long limitMb, long availableMb, Path group) {}

    private final CgroupPaths paths;

    CgroupMemory(CgroupPaths paths) {
        this.paths = paths;
    }

    /** The headroom of process {@code pid}; empty when it has no memory limit or it cannot be read. */
    Optional<Headroom> of(long pid) {
        return paths.membership(pid).flatMap(this::of);
    }

    /** The headroom of a process of membership {@code m}. */
    Optional<Headroom> of(CgroupPaths.Membership m) {
        return paths.of(m, "memory").flatMap(CgroupMemory::headroom);
    }

    /** The tightest limit from the group up to its mount's folder. */
    private static Optional<Headroom> headroom(CgroupPaths.Group g) {
        boolean v2 = g.v2();
        Headroom best = null;
        for (Path d : g.upwards()) {
            OptionalLong limit = CgroupPaths.number(d.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"));
            OptionalLong use = CgroupPaths.number(d.resolve(v2 ? "memory.current" : "memory.usage_in_bytes"));
            if (limit.isEmpty() || limit.getAsLong() >= UNLIMITED || use.isEmpty()) {
                continue;
            }
            long inactive = CgroupPaths.stat(d.resolve("memory.stat"), v2 ? "inactive_file" : "total_inactive_file")
                    .orElse(0);
            long workingSet = Math.max(0, use.getAsLong() - inactive);
            long available = Math.max(0, limit.getAsLong() - workingSet);
            if (best == null || available / MB < best.availableMb()) {
                best = new Headroom(limit.getAsLong() / MB, available / MB, d);
            }
        }
        return Optional.ofNullable(best);
    }
}
