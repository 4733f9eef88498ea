package dev.warmup.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the native libraries packed in the jar are unpacked before they are loaded: SQLite's (the store) and JNA's
 * (OSHI's, the machine's readings) into the data directory rather than the system's temporary folder, which may be
 * missing, full or mounted {@code noexec} (a hardened machine's {@code /tmp}): there, the store's library could not
 * load and the server died at its start. A location given on the command line ({@code -Djna.tmpdir},
 * {@code -Dorg.sqlite.tmpdir}) is kept. The {@code export} and {@code forget} commands do the same. XGBoost's
 * library can only be unpacked into {@code java.io.tmpdir}, read when the JVM starts; where it cannot load, the
 * predictor says so (WMP-2002) and its context rates forecast.
 */
public final class NativeLibraries {
    static final String JNA = "jna";
    static final String SQLITE = "sqlite";

    private NativeLibraries() {}

    public static void unpackInto(DataDirectory dir) {
        unpackInto(dir.root());
    }

    /** The same for a data directory the command line names ({@code export}, {@code forget}). */
    static void unpackInto(Path dataDir) {
        unpackInto("jna.tmpdir", dataDir.resolve(JNA));
        unpackInto("org.sqlite.tmpdir", dataDir.resolve(SQLITE));
    }

    private static void unpackInto(String property, Path folder) {
        if (System.getProperty(property) != null) {
            return;
        }
        try {
            Files.createDirectories(folder); // SQLite's loader does not make it
            DataDirectory.restrict(folder, true);
        } catch (IOException | java.io.UncheckedIOException e) {
            return; // the system's temporary folder, as before
        }
        System.setProperty(property, folder.toString());
    }
}
