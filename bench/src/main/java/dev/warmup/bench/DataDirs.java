package dev.warmup.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** The throw-away data directories the stdio benchmarks give the server they start. */
final class DataDirs {
    private DataDirs() {}

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
