package dev.warmup.server.trace;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.usage.EventKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.Locale;

/**
 * Reads the JSONL trace format: one JSON object per line, blank lines ignored.
 *
 * <pre>{"user": "me", "at": 1732270000000, "kind": "change", "detail": "refactor.extract", "task": "completion",
 *  "model": "qwen2.5-coder:1.5b", "language": "java"}</pre>
 *
 * <ul>
 *   <li>{@code user} (string, optional, default {@code "user"}): whose event it is; users are simulated apart.</li>
 *   <li>{@code at} (integer, required): epoch milliseconds, UTC. Events need not be sorted.</li>
 *   <li>{@code kind} (string, required): {@code open, change, save, close, completion, code_action, command,
 *       model_used, activity} as the server records them, or {@code trace} for events of other tools.</li>
 *   <li>{@code detail} (string, optional): command id, code-action kinds, activity kind or event name.</li>
 *   <li>{@code task} (string, optional): set when the event is a request for a model task (the server sets it on
 *       {@code model_used} events, the ground truth its clients report).</li>
 *   <li>{@code model}, {@code language} (strings, optional): the model used; the document's language.</li>
 * </ul>
 * The live server writes this format with {@code warmup.exportTrace}; {@code replay --format jsonl} reads it.
 */
public final class JsonlTraceReader {
    /** One event as read. */
    public record Row(String user, long at, EventKind kind, String detail, String task, String model,
                      String language) {}

    /** Receives rows in file order. */
    @FunctionalInterface
    public interface RowSink {
        void accept(Row row) throws IOException;
    }

    private JsonlTraceReader() {}

    public static void read(BufferedReader in, String source, RowSink sink) throws IOException {
        long lineNo = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                long at = at(o);
                String kind = string(o, "kind");
                if (kind == null) {
                    throw new IOException("'kind' is required");
                }
                EventKind k;
                try {
                    k = EventKind.valueOf(kind.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IOException("unknown kind '" + kind + "'");
                }
                String user = string(o, "user");
                sink.accept(new Row(user == null ? "user" : user, at, k, string(o, "detail"),
                        string(o, "task"), string(o, "model"), string(o, "language")));
            } catch (JsonSyntaxException | IllegalStateException e) { // not JSON, or not an object
                // the parser's own words, and its advice to developers, say no more than where() does
                throw new IOException(source + ":" + lineNo + ": not a JSON object" + JsonSyntax.where(e));
            } catch (IOException e) {
                throw new IOException(source + ":" + lineNo + ": " + e.getMessage(), e);
            }
        }
    }

    /** {@code at}: a whole number of epoch milliseconds that fits a long ({@code 1.0} is whole; 1.5 and 1e300 not). */
    private static long at(JsonObject o) throws IOException {
        JsonElement at = o.get("at");
        if (at == null || !at.isJsonPrimitive() || !at.getAsJsonPrimitive().isNumber()) {
            throw new IOException("'at' (epoch milliseconds) is required");
        }
        try {
            return at.getAsBigDecimal().longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IOException("'at' = " + WarmupException.quote(at) + " is not a whole number of epoch"
                    + " milliseconds");
        }
    }

    /** A text field: a string, or a number or boolean taken as its text; an array or object is refused. */
    private static String string(JsonObject o, String key) throws IOException {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            return null;
        }
        if (!v.isJsonPrimitive()) {
            throw new IOException("'" + key + "' = " + WarmupException.quote(v) + " is not a string");
        }
        return v.getAsString();
    }
}
