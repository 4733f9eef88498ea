package dev.warmup.server;

import dev.warmup.server.store.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the native libraries packed in the jar are unpacked before they are loaded: SQLite's (the store) and JNA's
 * (OSHI's, the machine's readings) into the data directory rather than the system's temporary folder, which may be
 * missing, full or mounted {@code noexec} (a hardened machine's {@code /tmp}): there, the store's library could not
 * load and the server died at its start. A location given on the command line ({@code -Djna.tmpdir},
 * {@code -Dorg.sqlite.tmpdir}) is kept. XGBoost's library can only be unpacked into {@code java.io.tmpdir}, read
 * when the JVM starts; where it cannot load, the predictor says so (WMP-2002) and its context rates forecast.
 */
final class NativeLibraries {
    static final String JNA = "jna";
    static final String SQLITE = "sqlite";

    private NativeLibraries() {}

    static void unpackInto(DataDirectory dir) {
        unpackInto("jna.tmpdir", dir.resolve(JNA));
        unpackInto("org.sqlite.tmpdir", dir.resolve(SQLITE));
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
