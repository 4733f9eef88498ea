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
 * classes it leaves out.
 */
public final class ServerCommandLine {
    /** The first Java with {@code -XX:+AutoCreateSharedArchive}. */
    static final int AUTO_ARCHIVE_SINCE = 19;

    private ServerCommandLine() {}

    public static List<String> build(Path javaHome, int javaFeature, Path pluginDir, Path logDir, Path cacheDir,
                                     boolean windows) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve(windows ? "java.exe" : "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-Xms32m"); // an idle server's young generation stays small: about 110 MB resident, not 155
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:+UseSerialGC");
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
        return cmd;
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
