package dev.warmup.server.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Where a process's cgroup is, for one controller, as this process sees it: {@code /proc/PID/cgroup} names the group
 * (a v1 line per hierarchy, "ID:CONTROLLERS:PATH", and v2's "0::PATH"), {@code /proc/self/mountinfo} where this
 * process has that hierarchy mounted, and with what group at the mount's root (a container without a cgroup namespace
 * sees its own group mounted as the root). A controller on a v1 hierarchy (a hybrid machine) is read there, else on
 * v2. A group this process cannot see (another cgroup namespace's, written "/.." by the kernel; a hierarchy not
 * mounted here) is empty. Also the readers of the groups' files.
 */
final class CgroupPaths {
    /**
     * A group's folder and the folder its hierarchy is mounted on: the highest this process can read of its parents.
     */
    record Group(Path dir, Path top, boolean v2) {
        /** The group's folder, then each parent's up to the mount's. */
        List<Path> upwards() {
            List<Path> out = new ArrayList<>();
            for (Path d = dir; d != null && d.startsWith(top); d = d.getParent()) {
                out.add(d);
            }
            return out;
        }
    }

    /**
     * A process's groups as {@code /proc/PID/cgroup} names them, read once for every controller asked of it.
     *
     * @param v1 each v1 hierarchy's controllers and the process's group in it
     * @param v2 its group in the v2 hierarchy, or null
     */
    record Membership(Map<Set<String>, String> v1, String v2) {}

    /** Where a hierarchy is mounted: the group path at the mount's root, the folder, and a v1 mount's controllers. */
    private record Mount(String root, Path point, boolean v2, Set<String> controllers) {}

    private final Path root;
    private List<Mount> mounts; // read once: cgroup file systems are mounted at boot

    /** @param root the file system's root: "/" but in tests */
    CgroupPaths(Path root) {
        this.root = root;
    }

    /** Process {@code pid}'s groups; empty when it is gone, its file unreadable, or this is not Linux. */
    Optional<Membership> membership(long pid) {
        try {
            Map<Set<String>, String> v1 = new HashMap<>();
            String v2 = null;
            for (String line : Files.readAllLines(root.resolve("proc/" + pid + "/cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length < 3) {
                    continue;
                }
                if (f[0].equals("0") && f[1].isEmpty()) {
                    v2 = f[2];
                } else {
                    v1.put(Set.of(f[1].split(",")), f[2]);
                }
            }
            return Optional.of(new Membership(Map.copyOf(v1), v2));
        } catch (IOException | RuntimeException e) { // gone, unreadable, or not Linux
            return Optional.empty();
        }
    }

    /** The group of a process of membership {@code m} for {@code controller}; empty when not found. */
    Optional<Group> of(Membership m, String controller) {
        try {
            for (Map.Entry<Set<String>, String> e : m.v1().entrySet()) {
                if (e.getKey().contains(controller)) {
                    return group(e.getValue(), false, controller);
                }
            }
            return m.v2() != null ? group(m.v2(), true, controller) : Optional.empty();
        } catch (IOException | RuntimeException e) { // the mounts unreadable
            return Optional.empty();
        }
    }

    private Optional<Group> group(String path, boolean v2, String controller) throws IOException {
        for (Mount m : mounts()) {
            String rel = m.v2() == v2 && (v2 || m.controllers().contains(controller)) ? relative(path, m.root()) : null;
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

    /** One line of mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER_OPTIONS". */
    private Optional<Mount> mount(String line) {
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        if (dash < 5 || f.length < dash + 4) {
            return Optional.empty();
        }
        String type = f[dash + 1];
        if (!type.equals("cgroup2") && !type.equals("cgroup")) {
            return Optional.empty();
        }
        Path point = root.resolve(unescape(f[4]).substring(1));
        return Optional.of(new Mount(unescape(f[3]), point, type.equals("cgroup2"), Set.of(f[dash + 3].split(","))));
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

    /** A file holding one number (or its first word, as v2's cpu.max); empty for "max", a missing file or else. */
    static OptionalLong number(Path file) {
        try {
            String[] words = Files.readString(file).trim().split("\\s+");
            return words[0].matches("\\d{1,19}") ? OptionalLong.of(Long.parseLong(words[0])) : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The value of {@code key} in a file of "KEY VALUE" lines (memory.stat, cpu.stat); empty when missing. */
    static OptionalLong stat(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key) && kv[1].matches("\\d{1,19}")) {
                    return OptionalLong.of(Long.parseLong(kv[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
