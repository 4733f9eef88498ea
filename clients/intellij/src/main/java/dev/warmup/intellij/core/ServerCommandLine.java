package dev.warmup.intellij.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How the plugin starts the server jar it ships in {@code lib/server/}: with the IDE's own Java, a small heap. */
public final class ServerCommandLine {
    private ServerCommandLine() {}

    public static List<String> build(Path javaHome, Path pluginDir, Path logDir, boolean windows) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve(windows ? "java.exe" : "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-jar");
        cmd.add(pluginDir.resolve("lib").resolve("server").resolve("warmup-server.jar").toString());
        cmd.add("--log-file");
        cmd.add(logDir.resolve("warmup-server.log").toString());
        return cmd;
    }
}
