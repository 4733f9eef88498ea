package dev.warmup.intellij.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the plugin starts the server jar it ships in {@code lib/server/}: with the IDE's own Java, a small heap. The
 * JVM's own output (its log lines, and the reason it gives when it exits on out-of-memory) goes to stderr, never
 * into the protocol on stdout, where the JVM writes it by default. From Java 19 on, a class-data archive kept in
 * {@code cacheDir} (written by the JVM when the server exits, rewritten when the jar or the JDK changes) makes
 * start-up about a third faster; class-data logging is off, for writing the archive warns of each of some 200
 * classes it leaves out. The server's log goes to the IDE's log folder, as detailed as the IDE's own Debug Log Settings
 * ask for the category {@value #LOG_CATEGORY} ({@link #logLevel}).
 */
public final class ServerCommandLine {
    /** The first Java with {@code -XX:+AutoCreateSharedArchive}. */
    static final int AUTO_ARCHIVE_SINCE = 19;
    /** What to enter in Help | Diagnostic Tools | Debug Log Settings (with {@code :trace} for the libraries' detail). */
    public static final String LOG_CATEGORY = "#dev.warmup.server";

    private ServerCommandLine() {}

    public static List<String> build(Path javaHome, int javaFeature, Path pluginDir, Path logDir, Path cacheDir,
                                     boolean windows, String logLevel) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve(windows ? "java.exe" : "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-Xms32m"); // an idle server's young generation stays small: about 110 MB resident, not 155
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:-UsePerfData"); // the JVM's statistics sampling: half of an idle server's CPU time
        cmd.add("-XX:+DisplayVMOutputToStderr");
        cmd.add("-Xlog:disable");
        cmd.add("-Xlog:all=warning,cds*=off:stderr");
        if (javaFeature >= AUTO_ARCHIVE_SINCE && folderReady(cacheDir)) {
            cmd.add("-XX:+AutoCreateSharedArchive");
            cmd.add("-XX:SharedArchiveFile=" + cacheDir.resolve("warmup-server.jsa"));
        }
        cmd.add("-jar");
        cmd.add(pluginDir.resolve("lib").resolve("server").resolve("warmup-server.jar").toString());
        cmd.add("--log-file");
        cmd.add(logDir.resolve("warmup-server.log").toString());
        if (logLevel != null) {
            cmd.add("--log-level");
            cmd.add(logLevel);
        }
        return cmd;
    }

    /**
     * The server's {@code --log-level} for the IDE's Debug Log Settings of {@link #LOG_CATEGORY}: {@code trace} (the
     * libraries' detail too), {@code debug} (ours: each load and unload with its reason), or null for the default.
     */
    public static String logLevel(boolean debugEnabled, boolean traceEnabled) {
        return traceEnabled ? "trace" : debugEnabled ? "debug" : null;
    }

    /** The archive's folder, made if need be: the JVM does not make it, and exits with 1 when it cannot write. */
    private static boolean folderReady(Path dir) {
        try {
            Files.createDirectories(dir);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // no archive: a slower start, nothing worse
        }
    }
}
