package dev.warmup.server.prediction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * XGBoost's native library (16 MB) is unpacked into {@code java.io.tmpdir} at its first load and deleted by the JVM
 * only when it exits normally: a server killed, or exiting on out-of-memory as the clients ask it to, left its copy
 * there, one more at each such exit. Once loaded it can go, on Linux, where the mapping outlives the file; elsewhere
 * it is left to the JVM's exit.
 */
final class UnpackedLibrary {
    private static final Logger LOG = Logger.getLogger(UnpackedLibrary.class.getName());
    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private UnpackedLibrary() {}

    /** Deletes this process's unpacked copy of the library, once (after its first successful use). */
    static void deleteOnceLoaded() {
        if (!DONE.compareAndSet(false, true) || !Files.isReadable(MAPS)) {
            return;
        }
        for (Path copy : mapped()) {
            try {
                Files.deleteIfExists(copy);
            } catch (IOException e) {
                LOG.fine("could not delete " + copy + ": " + e);
            }
        }
    }

    /** The library files this process has mapped from {@code java.io.tmpdir} and that are still there. */
    static List<Path> mapped() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        try (Stream<String> lines = Files.lines(MAPS)) {
            return lines.map(l -> l.indexOf(" /") < 0 ? null : Path.of(l.substring(l.indexOf(" /") + 1).trim()))
                    .filter(p -> p != null && p.getFileName().toString().startsWith("libxgboost4j")
                            && p.getFileName().toString().endsWith(".so") && tmp.equals(p.getParent()))
                    .distinct().toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
