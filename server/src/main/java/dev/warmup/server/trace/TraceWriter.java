package dev.warmup.server.trace;

import com.google.gson.JsonObject;
import dev.warmup.server.usage.UsageEvent;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/**
 * Writes events in the JSONL trace format, one JSON object per line (see {@link JsonlTraceReader} for the format).
 * Only metadata is written: the event's time, kind, detail, task, model and language, never text nor a URI.
 */
public final class TraceWriter implements AutoCloseable {
    private final Writer out;
    private final String user;
    private long written;

    public TraceWriter(Writer out, String user) {
        this.out = out;
        this.user = user;
    }

    public void write(UsageEvent e) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("user", user);
        o.addProperty("at", e.at());
        o.addProperty("kind", e.kind().name().toLowerCase(Locale.ROOT));
        if (e.detail() != null) {
            o.addProperty("detail", e.detail());
        }
        if (e.task() != null) {
            o.addProperty("task", e.task());
        }
        if (e.model() != null) {
            o.addProperty("model", e.model());
        }
        if (e.languageId() != null) {
            o.addProperty("language", e.languageId());
        }
        out.write(o.toString());
        out.write('\n');
        written++;
    }

    /** Events written so far. */
    public long written() {
        return written;
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
