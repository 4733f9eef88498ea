package dev.warmup.server.replay;

import dev.warmup.server.trace.JsonlTraceReader;
import dev.warmup.server.trace.TraceFiles;
import dev.warmup.server.usage.EventKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A JSONL trace ({@link JsonlTraceReader} documents the format; plain, .xz or .gz: {@link TraceFiles}): requests are
 * the events with a {@code task}. Each event's name for the predictor is its detail for {@code trace} events, else its
 * kind (with the detail after a colon).
 */
public final class JsonlTraceSource implements TraceSource {
    @Override
    public Trace read(Path path) throws IOException {
        List<JsonlTraceReader.Row> rows = new ArrayList<>();
        Set<String> tasks = new LinkedHashSet<>();
        try (BufferedReader r = TraceFiles.open(path)) {
            JsonlTraceReader.read(r, path.toString(), row -> {
                rows.add(row);
                if (row.task() != null) {
                    tasks.add(row.task());
                }
            });
        }
        TraceBuilder builder = new TraceBuilder(new ArrayList<>(tasks));
        for (JsonlTraceReader.Row row : rows) {
            builder.add(row.user(), row.at(), name(row), row.task());
        }
        return builder.build();
    }

    static String name(JsonlTraceReader.Row row) {
        return eventName(row.kind(), row.detail());
    }

    /** An event's name for the predictor: the detail of a {@code trace} event, else the kind with the detail. */
    public static String eventName(EventKind kind, String detail) {
        if (kind == EventKind.TRACE) {
            return detail == null ? "trace" : detail;
        }
        String k = kind.name().toLowerCase(Locale.ROOT);
        return detail == null ? k : k + ":" + detail;
    }
}
