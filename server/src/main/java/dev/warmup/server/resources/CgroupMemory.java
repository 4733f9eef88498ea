package dev.warmup.server.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How much more memory a process may take before a memory limit of its cgroups is reached (a container's, a Kubernetes
 * pod's, a systemd unit's {@code MemoryMax}), read from Linux's files as this process sees them:
 * {@code /proc/PID/cgroup} names the process's group, {@code /proc/self/mountinfo} where this process has that
 * hierarchy mounted, and the files of the group and of each parent up to the mount give limits and use. cgroup v2
 * ({@code memory.max}, {@code memory.current}, {@code memory.stat}'s {@code inactive_file}) and v1's memory
 * controller ({@code memory.limit_in_bytes}, {@code memory.usage_in_bytes}, {@code total_inactive_file}). The use
 * counted is the working set, the use less the inactive file cache that the kernel reclaims before it kills
 * (the kubelet counts it so). A group this process cannot see (another cgroup namespace, the hierarchy not mounted
 * here) or cannot read is not known: empty.
 */
final class CgroupMemory {
    /** v1 writes "no limit" as the largest page-aligned number; anything this large is none. */
    private static final long UNLIMITED = 1L << 60;
    private static final long MB = 1024 * 1024;

    /**
     * @param limitMb     the limit that binds: the group's, or a parent's, whichever leaves the least
     * @param availableMb that limit less the working set of its group
     * @param group       the directory of the group whose limit binds
     */
    record Headroom(long limitMb, long availableMb, Path group) {}

    /** Where a hierarchy is mounted: the group path at the mount's root, and the folder it is mounted on. */
    private record Mount(String root, Path point, boolean v2) {}

    private final Path root;
    private List<Mount> mounts; // read once: cgroup file systems are mounted at boot

    /** @param root the file system's root: "/" but in tests */
    CgroupMemory(Path root) {
        this.root = root;
    }

    /** The headroom of process {@code pid}; empty when it has no memory limit or it cannot be read. */
    Optional<Headroom> of(long pid) {
        try {
            List<String> lines = Files.readAllLines(root.resolve("proc/" + pid + "/cgroup"));
            String v1 = null;
            String v2 = null;
            for (String line : lines) {
                String[] f = line.split(":", 3);
                if (f.length < 3) {
                    continue;
                }
                if (f[0].equals("0") && f[1].isEmpty()) {
                    v2 = f[2];
                } else if (List.of(f[1].split(",")).contains("memory")) {
                    v1 = f[2];
                }
            }
            // where the memory controller is on v1 (a hybrid machine), v2's group has no memory files of its use
            Optional<Group> group = v1 != null ? group(v1, false) : v2 != null ? group(v2, true) : Optional.empty();
            return group.flatMap(this::headroom);
        } catch (IOException | RuntimeException e) { // gone, unreadable, or not Linux
            return Optional.empty();
        }
    }

    /** A group's folder, below the folder its hierarchy is mounted on. */
    private record Group(Path dir, Path top, boolean v2) {}

    private Optional<Group> group(String path, boolean v2) throws IOException {
        for (Mount m : mounts()) {
            String rel = m.v2() == v2 ? relative(path, m.root()) : null;
            if (rel != null) {
                Path dir = m.point().resolve(rel).normalize();
                return dir.startsWith(m.point()) && Files.isDirectory(dir)
                        ? Optional.of(new Group(dir, m.point(), v2)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** {@code group} below {@code mountRoot}, without a leading slash; null when not below it. */
    private static String relative(String group, String mountRoot) {
        if (mountRoot.equals("/")) {
            return group.startsWith("/") ? group.substring(1) : null;
        }
        if (group.equals(mountRoot)) {
            return "";
        }
        return group.startsWith(mountRoot + "/") ? group.substring(mountRoot.length() + 1) : null;
    }

    /** The tightest limit from the group up to its mount's folder. */
    private Optional<Headroom> headroom(Group g) {
        boolean v2 = g.v2();
        Headroom best = null;
        for (Path d = g.dir(); d != null && d.startsWith(g.top()); d = d.getParent()) {
            OptionalLong limit = number(d.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"));
            if (limit.isEmpty() || limit.getAsLong() >= UNLIMITED) {
                continue;
            }
            OptionalLong use = number(d.resolve(v2 ? "memory.current" : "memory.usage_in_bytes"));
            if (use.isEmpty()) {
                continue;
            }
            long inactive = stat(d.resolve("memory.stat"), v2 ? "inactive_file" : "total_inactive_file");
            long workingSet = Math.max(0, use.getAsLong() - inactive);
            long available = Math.max(0, limit.getAsLong() - workingSet);
            if (best == null || available / MB < best.availableMb()) {
                best = new Headroom(limit.getAsLong() / MB, available / MB, d);
            }
        }
        return Optional.ofNullable(best);
    }

    /** A file holding one number; empty for v2's "max", a missing file or anything else. */
    private static OptionalLong number(Path file) {
        try {
            String s = Files.readString(file).trim();
            return s.matches("\\d{1,19}") ? OptionalLong.of(Long.parseLong(s)) : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static long stat(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key) && kv[1].matches("\\d{1,19}")) {
                    return Long.parseLong(kv[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no cache counted: the use as it stands
        }
        return 0;
    }

    private synchronized List<Mount> mounts() throws IOException {
        if (mounts == null) {
            List<Mount> found = new ArrayList<>();
            for (String line : Files.readAllLines(root.resolve("proc/self/mountinfo"))) {
                mount(line).ifPresent(found::add);
            }
            mounts = List.copyOf(found);
        }
        return mounts;
    }

    /**
     * One line of mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER_OPTIONS"; a cgroup2
     * mount, or a v1 mount of the memory controller.
     */
    private Optional<Mount> mount(String line) {
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        if (dash < 5 || f.length < dash + 4) {
            return Optional.empty();
        }
        String type = f[dash + 1];
        boolean v2 = type.equals("cgroup2");
        if (!v2 && !(type.equals("cgroup") && List.of(f[dash + 3].split(",")).contains("memory"))) {
            return Optional.empty();
        }
        Path point = root.resolve(unescape(f[4]).substring(1));
        return Optional.of(new Mount(unescape(f[3]), point, v2));
    }

    /** mountinfo writes a space, tab, newline and backslash in a path as an octal escape ("\040"). */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
