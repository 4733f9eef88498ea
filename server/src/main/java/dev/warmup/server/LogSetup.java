package dev.warmup.server;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.FileTrouble;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.lsp.ClientLogHandler;
import dev.warmup.server.lsp.ClientNotifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Logging: stderr (never stdout, which carries the protocol), an optional file, and the client at warning+, each
 * behind one {@link RepeatLimit}.
 */
final class LogSetup {
    /** The log file starts afresh past this size. */
    static final int LOG_FILE_LIMIT = 10_000_000;

    private static LogFileClaim claim; // held for the process's life
    /** Our code's loggers' parent, held: java.util.logging keeps loggers only weakly, and with them their level. */
    private static final Logger OURS = Logger.getLogger("dev.warmup");

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

    /**
     * Logs to stderr, to {@code logFile} when given, and to the client, a warning repeated fast at most
     * {@link RepeatLimit#SHOWN} times a minute. A log file that cannot be written (a folder, a place without
     * permission, an empty path) does not stop the server: it logs without it, and says so once with WMP-8016, which
     * reaches the editor too.
     */
    static void configure(Level level, Path logFile, ClientNotifier client) {
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        applyLevel(level);
        Handler stderr = new ConsoleHandler();
        stderr.setLevel(level);
        stderr.setFormatter(new SimpleFormatter());
        List<Handler> handlers = new ArrayList<>(List.of(stderr));
        String unusable = null;
        if (logFile != null) {
            try {
                handlers.add(fileHandler(level, logFile));
            } catch (IOException | RuntimeException e) {
                unusable = new WarmupException(ErrorCode.WMP_8016, (logFile.toString().isBlank() ? "''"
                        : WarmupException.quote(logFile)) + ": " + FileTrouble.why(e, logFile)).getMessage();
            }
        }
        handlers.add(new ClientLogHandler(client));
        root.addHandler(new RepeatLimit(handlers, SteadyClock.system().quiet()));
        Thread.setDefaultUncaughtExceptionHandler(uncaught());
        if (unusable != null) {
            Logger.getLogger(LogSetup.class.getName()).warning(unusable);
        }
    }

    /**
     * Sets {@code level} on our code's loggers; libraries' (the JDK's HTTP client, JNA, OSHI) stay at info under
     * {@code debug}, which would otherwise fill the log with their internals (some thousand lines a minute from the
     * HTTP client alone while a model server is watched), and follow only {@code trace}.
     */
    static void applyLevel(Level level) {
        OURS.setLevel(level);
        Logger.getLogger("").setLevel(level.intValue() == Level.FINE.intValue() ? Level.INFO : level);
    }

    /**
     * What a thread that dies of an exception leaves: WMP-8007 in the log and the editor, naming the thread, where
     * the JVM would only have printed it to stderr (a pool replaces such a thread, so the server goes on).
     */
    static Thread.UncaughtExceptionHandler uncaught() {
        return (thread, e) -> Logger.getLogger(LogSetup.class.getName()).log(Level.SEVERE, new WarmupException(
                ErrorCode.WMP_8007, "thread " + thread.getName() + " stopped: " + e).getMessage(), e);
    }

    /**
     * Exactly the file named (with two generations FileHandler would write FILE.0), or FILE.N while other servers
     * write it, readable by the user only like the data files, started afresh past the limit; its folder made.
     */
    private static Handler fileHandler(Level level, Path logFile) throws IOException {
        if (logFile.toString().isBlank()) {
            throw new IOException("an empty path");
        }
        Path parent = logFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        claim = LogFileClaim.claim(logFile);
        FileHandler file = new FileHandler(claim.file().toString(), LOG_FILE_LIMIT, 1, true);
        file.setLevel(level);
        file.setFormatter(new SimpleFormatter());
        return file;
    }
}
