package dev.warmup.intellij.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;

/**
 * What a Tools → Warmup action shows of its command's result: the result as indented JSON, after its one-line
 * {@code summary} when it has one ({@code warmup.compare}'s); and the name of the read-only editor tab it opens in.
 */
public record CommandResultText(String fileName, String text) {
    private static final Gson GSON = new Gson();
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    public static CommandResultText of(String command, Object result) {
        JsonElement json = result instanceof JsonElement e ? e : GSON.toJsonTree(result);
        String pretty = PRETTY.toJson(json);
        if (json.isJsonObject() && json.getAsJsonObject().has("summary")
                && json.getAsJsonObject().get("summary").isJsonPrimitive()) {
            return new CommandResultText(command + ".txt",
                    json.getAsJsonObject().get("summary").getAsString() + "\n\n" + pretty + "\n");
        }
        return new CommandResultText(command + ".json", pretty + "\n");
    }
}
