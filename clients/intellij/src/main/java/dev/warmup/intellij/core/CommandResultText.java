package dev.warmup.intellij.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * What a Tools → Warmup action shows of its command's result: the result as indented JSON, after its one-line
 * {@code summary} when it has one ({@code warmup.compare}'s) or a summary made from it ({@link ResultSummary}:
 * {@code warmup.retrain}'s and {@code warmup.forgetHistory}'s), or after a chart of the uses by day when it has
 * {@code daily} ({@code warmup.usageStats}'s, after its {@code note} when it is not complete); and the name of the
 * read-only editor tab it opens in.
 */
public record CommandResultText(String fileName, String text) {
    private static final Gson GSON = new Gson();
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    /** Days in the chart of uses by day, ending today (this machine's day, as the server counts them). */
    static final int DAYS = 30;
    private static final int BAR = 40;

    public static CommandResultText of(String command, Object result) {
        return of(command, result, LocalDate.now());
    }

    static CommandResultText of(String command, Object result, LocalDate today) {
        JsonElement json = result instanceof JsonElement e ? e : GSON.toJsonTree(result);
        String pretty = PRETTY.toJson(json);
        JsonObject o = json.isJsonObject() ? json.getAsJsonObject() : new JsonObject();
        if (o.has("summary") && o.get("summary").isJsonPrimitive()) {
            return new CommandResultText(command + ".txt", o.get("summary").getAsString() + "\n\n" + pretty + "\n");
        }
        String summary = ResultSummary.of(command, o);
        if (summary != null) {
            return new CommandResultText(command + ".txt", summary + "\n\n" + pretty + "\n");
        }
        if (o.has("daily") && o.get("daily").isJsonArray()) {
            String note = o.has("note") && o.get("note").isJsonPrimitive() // complete: false
                    ? "Not complete: " + o.get("note").getAsString() + "\n" : "";
            return new CommandResultText(command + ".txt", note + dailyChart(o.getAsJsonArray("daily"), today) + "\n"
                    + pretty + "\n");
        }
        return new CommandResultText(command + ".json", pretty + "\n");
    }

    /** The last {@value #DAYS} days up to {@code today}, a line each: the day, a bar, its uses. */
    private static String dailyChart(JsonArray daily, LocalDate today) {
        Map<String, Long> uses = new HashMap<>();
        for (JsonElement d : daily) {
            if (d.isJsonObject() && d.getAsJsonObject().has("day") && d.getAsJsonObject().has("uses")) {
                uses.put(d.getAsJsonObject().get("day").getAsString(), d.getAsJsonObject().get("uses").getAsLong());
            }
        }
        LocalDate first = today.minusDays(DAYS - 1);
        long max = 1;
        long total = 0;
        for (LocalDate day = first; !day.isAfter(today); day = day.plusDays(1)) {
            long n = uses.getOrDefault(day.toString(), 0L);
            max = Math.max(max, n);
            total += n;
        }
        StringBuilder text = new StringBuilder("Model uses by day, last " + DAYS + " days: " + total + "\n");
        for (LocalDate day = first; !day.isAfter(today); day = day.plusDays(1)) {
            long n = uses.getOrDefault(day.toString(), 0L);
            text.append(day).append(' ').append("#".repeat((int) Math.round((double) n / max * BAR))).append(' ')
                    .append(n).append('\n');
        }
        return text.toString();
    }
}
