package dev.warmup.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

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
    private static final Logger LOG = Logger.getLogger(NativeLibraries.class.getName());
    static final String JNA = "jna";
    static final String SQLITE = "sqlite";

    private NativeLibraries() {}

    public static void unpackInto(DataDirectory dir) {
        unpackInto(dir.root());
    }

    /**
     * The same for a data directory the command line names ({@code export}, {@code forget}). When SQLite's library
     * cannot be unpacked there and loaded (the data directory's file system full, or mounted {@code noexec}, as some
     * hardened machines mount {@code /home}), both go back to the system's temporary folder, as before.
     */
    static void unpackInto(Path dataDir) {
        boolean jna = pointAt("jna.tmpdir", dataDir.resolve(JNA));
        if (pointAt("org.sqlite.tmpdir", dataDir.resolve(SQLITE)) && !sqliteLoads()) {
            System.clearProperty("org.sqlite.tmpdir"); // the store's opening tries again, there
            if (jna) {
                System.clearProperty("jna.tmpdir");
            }
            LOG.info("native libraries cannot be loaded from " + dataDir + " (its file system full, or mounted"
                    + " noexec?): they are unpacked into the system's temporary folder");
        }
    }

    /**
     * Sets {@code property} to {@code folder}, made user-only, unless the command line gave it or the folder cannot be
     * made; returns whether it did.
     */
    private static boolean pointAt(String property, Path folder) {
        if (System.getProperty(property) != null) {
            return false;
        }
        try {
            Files.createDirectories(folder); // SQLite's loader does not make it
            DataDirectory.restrict(folder, true);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // the system's temporary folder, as before
        }
        System.setProperty(property, folder.toString());
        return true;
    }

    /**
     * Loads SQLite's library now, before anything else asks for it: a failed try is remembered by the driver's
     * connection code (NativeDB) for good, but not by its loader, which reads the folder again at the next try.
     */
    private static boolean sqliteLoads() {
        Logger driver = Logger.getLogger("org.sqlite"); // held: its level lasts while it is referenced
        Level was = driver.getLevel();
        driver.setLevel(Level.OFF); // not two stack traces at every start: the line logged after says what happened
        try {
            return org.sqlite.SQLiteJDBCLoader.initialize();
        } catch (Exception | LinkageError e) {
            return false;
        } finally {
            driver.setLevel(was);
        }
    }
}
