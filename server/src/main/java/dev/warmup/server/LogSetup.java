package dev.warmup.server;

import dev.warmup.server.lsp.ClientLogHandler;
import dev.warmup.server.lsp.ClientNotifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Logging: stderr (never stdout, which carries the protocol), an optional file, and the client at warning+. */
final class LogSetup {
    /** The log file starts afresh past this size. */
    static final int LOG_FILE_LIMIT = 10_000_000;

    private static LogFileClaim claim; // held for the process's life

    private LogSetup() {}

    static Level parseLevel(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "error", "severe" -> Level.SEVERE;
            case "warn", "warning" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug", "fine" -> Level.FINE;
            case "trace", "finest", "all" -> Level.FINEST;
            case "off" -> Level.OFF;
            default -> throw new IllegalArgumentException(
                    "unknown log level '" + name + "' (error, warn, info, debug, trace, off)");
        };
    }

    static void configure(Level level, Path logFile, ClientNotifier client) throws IOException {
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        Handler stderr = new ConsoleHandler();
        stderr.setLevel(level);
        stderr.setFormatter(new SimpleFormatter());
        root.addHandler(stderr);
        if (logFile != null) {
            // exactly the file named (with two generations FileHandler would write FILE.0), or FILE.N while other
            // servers write it, readable by the user only like the data files, started afresh past the limit
            Path parent = logFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            claim = LogFileClaim.claim(logFile);
            FileHandler file = new FileHandler(claim.file().toString(), LOG_FILE_LIMIT, 1, true);
            file.setLevel(level);
            file.setFormatter(new SimpleFormatter());
            root.addHandler(file);
        }
        root.addHandler(new ClientLogHandler(client));
    }
}
