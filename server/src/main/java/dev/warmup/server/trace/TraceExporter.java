package dev.warmup.server.trace;

import com.google.gson.JsonObject;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.FileTrouble;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.UsageEvent;
import dev.warmup.server.usage.UsagePatternAnalyzer;
import jakarta.inject.Inject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * {@code warmup.exportTrace}: writes the recorded history as a JSONL trace ({@link JsonlTraceReader} has the format)
 * that {@code replay --format jsonl} reads, so a user can replay their own weeks; compressed when the path ends in
 * {@code .gz} or {@code .xz} ({@link TraceFiles}). The file is readable by the user only and never overwrites an
 * existing file.
 */
public final class TraceExporter {
    private final UsageStore store;
    private final UsagePatternAnalyzer analyzer;
    private final DataDirectory dataDirectory;
    private final Clock clock;

    @Inject
    public TraceExporter(UsageStore store, UsagePatternAnalyzer analyzer, DataDirectory dataDirectory, Clock clock) {
        this.store = store;
        this.analyzer = analyzer;
        this.dataDirectory = dataDirectory;
        this.clock = clock;
    }

    /**
     * Exports to {@code target} (an absolute path of a new file), or into the data directory when null; answers
     * {@code path} and {@code events}, and {@code complete: false} with a {@code note} when events recorded were still
     * waiting for a failing store after its wait.
     */
    public JsonObject export(String target) {
        Path file;
        if (target == null) {
            String stamp = Instant.ofEpochMilli(clock.millis()).toString().replace(':', '-');
            file = dataDirectory.resolve("exports").resolve("trace-" + stamp + ".jsonl");
        } else {
            try {
                file = Path.of(target);
            } catch (java.nio.file.InvalidPathException e) { // a NUL, say
                throw new WarmupException(ErrorCode.WMP_8003, "exportTrace needs an absolute file path; "
                        + WarmupException.quote(target) + " is no path here: " + e.getReason());
            }
            if (!file.isAbsolute()) {
                throw new WarmupException(ErrorCode.WMP_8003, "exportTrace needs an absolute file path; got "
                        + WarmupException.quote(target));
            }
        }
        boolean all = analyzer.awaitStored(); // everything recorded so far, the last second's events too
        try {
            long events = write(file, sink -> store.events(Long.MIN_VALUE, Long.MAX_VALUE, sink));
            JsonObject result = new JsonObject();
            result.addProperty("path", file.toString());
            result.addProperty("events", events);
            return all ? result : UsagePatternAnalyzer.markIncomplete(result, "trace");
        } catch (IOException | SQLException e) {
            throw new WarmupException(ErrorCode.WMP_7003, "exporting the trace to " + file + ": " + why(e, file), e);
        }
    }

    /** What went wrong, in words ({@link FileTrouble}), an existing target said as the export's own rule. */
    private static String why(Exception e, Path file) {
        return e instanceof java.nio.file.FileAlreadyExistsException
                ? "something already exists there (a new file is never written over one)" : FileTrouble.why(e, file);
    }

    /** Where {@link #write} takes the events from, oldest first. */
    @FunctionalInterface
    public interface Events {
        void forEach(Consumer<UsageEvent> sink) throws SQLException;
    }

    /**
     * Writes {@code events} as a JSONL trace into {@code file}, a new file (never over an existing one) readable by
     * the user only, compressed as its name says; returns how many were written. A write that fails leaves no file.
     */
    public static long write(Path file, Events events) throws IOException, SQLException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        DataDirectory.createUserOnly(file); // never over an existing file
        try {
            return writeInto(file, events);
        } catch (IOException | SQLException | RuntimeException e) {
            Files.deleteIfExists(file); // not half a trace
            throw e;
        }
    }

    private static long writeInto(Path file, Events events) throws IOException, SQLException {
        try (OutputStream raw = Files.newOutputStream(file, StandardOpenOption.WRITE);
             Writer w = new BufferedWriter(new OutputStreamWriter(TraceFiles.compressing(file, raw),
                     StandardCharsets.UTF_8))) {
            TraceWriter out = new TraceWriter(w, "me");
            events.forEach(e -> {
                try {
                    out.write(e);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
            out.close();
            return out.written();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
