package dev.warmup.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The throw-away folders of the benchmarks: the data directories the stdio benchmarks give the server they start, and
 * the hand-made /proc and /sys/fs/cgroup trees the resource readers' benchmarks read.
 */
final class DataDirs {
    private DataDirs() {}

    /** Writes {@code text} to {@code path} under {@code root}, making its folders. */
    static void write(Path root, String path, String text) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** The bytes of the files under {@code dir}, which is then deleted. */
    static long sizeAndDelete(Path dir) throws IOException {
        List<Path> paths;
        try (var walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList(); // children before their directory
        }
        long bytes = 0;
        for (Path f : paths) {
            bytes += Files.isRegularFile(f) ? Files.size(f) : 0;
            Files.delete(f);
        }
        return bytes;
    }
}
