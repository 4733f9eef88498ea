package dev.warmup.intellij.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-line reading of a command's answer that has no {@code summary} of its own, in the words the VS Code
 * extension uses: {@code warmup.retrain}'s (what has trees, whether the model file was saved) and
 * {@code warmup.forgetHistory}'s (what was forgotten).
 */
final class ResultSummary {
    private ResultSummary() {
    }

    /** The summary of {@code command}'s answer {@code o}, or null when it has none. */
    static String of(String command, JsonObject o) {
        return switch (command) {
            case "warmup.retrain" -> o.has("samples") ? retrain(o) : null;
            case "warmup.forgetHistory" -> o.has("events") ? forget(o) : null;
            default -> null;
        };
    }

    private static String retrain(JsonObject o) {
        long samples = number(o, "samples");
        List<String> tasks = new ArrayList<>();
        if (o.has("learnedTasks") && o.get("learnedTasks").isJsonArray()) {
            for (JsonElement t : o.getAsJsonArray("learnedTasks")) {
                tasks.add(t.getAsString());
            }
        }
        String base = "Warmup retrained on " + samples + " sample" + (samples == 1 ? "" : "s") + ": "
                + (tasks.isEmpty() ? "no task has enough history for trees yet."
                : "trees for " + String.join(", ", tasks) + ".");
        String unread = o.has("historyUnread") ? " Trained on this session's events only: " + text(o, "historyUnread")
                : "";
        if (o.has("saved") && !o.get("saved").getAsBoolean()) {
            return base + " The model was not saved: " + text(o, "notSaved") + unread;
        }
        return (o.has("file") ? base + " Saved to " + text(o, "file") + "." : base) + unread;
    }

    private static String forget(JsonObject o) {
        long events = number(o, "events");
        long days = number(o, "dailyCounts");
        String base = "Warmup forgot " + events + " recorded event" + (events == 1 ? "" : "s") + " and " + days
                + " daily count" + (days == 1 ? "" : "s") + ", and what it learnt from them; it learns again from"
                + " now on.";
        return o.has("notCompacted") ? base + " (The file could not be compacted now: " + text(o, "notCompacted")
                + ".)" : base;
    }

    private static long number(JsonObject o, String key) {
        return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsLong() : 0;
    }

    private static String text(JsonObject o, String key) {
        return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : "";
    }
}
