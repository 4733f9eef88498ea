package dev.warmup.intellij.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** The status bar widget's text and tooltip from {@code warmup/statusChanged}: what is warm, loading, predicted. */
public record StatusText(String text, String tooltip) {
    public static StatusText of(JsonObject status) {
        if (status == null) {
            return new StatusText("Warmup: starting", "The Warmup server is starting");
        }
        int warm = 0;
        int loading = 0;
        int predicted = 0;
        StringBuilder tip = new StringBuilder();
        for (JsonElement e : status.getAsJsonArray("models")) {
            JsonObject m = e.getAsJsonObject();
            String state = m.get("state").getAsString();
            Double p = m.has("probability") && !m.get("probability").isJsonNull()
                    ? m.get("probability").getAsDouble() : null;
            if (state.equals("warm")) {
                warm++;
            } else if (state.equals("loading")) {
                loading++;
            } else if (p != null && p >= 0.5) {
                predicted++;
            }
            tip.append(m.get("id").getAsString()).append(": ").append(state);
            if (p != null) {
                tip.append(String.format(java.util.Locale.ROOT, ", p=%.2f", p));
            }
            if (m.has("memoryMb")) {
                tip.append(", ").append(m.get("memoryMb").getAsInt()).append(" MB");
            }
            tip.append(switch (text(m, "heldBy").orElse("")) { // a warm model this project's server will not unload
                case "anotherServer" -> " (held by another editor's server)";
                case "otherProgram" -> " (loaded by another program)";
                default -> "";
            });
            if (state.equals("failed")) { // why, and when it is tried next
                tip.append(text(m, "error").map(err -> " — " + err).orElse(""));
                tip.append(text(m, "retryAt").map(StatusText::localTime).map(t -> " (next try " + t + ")").orElse(""));
            } else if (state.equals("unloaded")) { // its model server unloaded it: left alone until then; or we did
                tip.append(text(m, "retryAt").map(StatusText::localTime)
                        .map(t -> " (unloaded by its model server; not warmed before " + t + ")")
                        .or(() -> text(m, "unloadReason").map(why -> " (unloaded: " + why + ")")).orElse(""));
            }
            tip.append(text(m, "unconfirmedSince").map(StatusText::localTime) // its model server is silent
                    .map(t -> " (as last seen: its model server has not answered since " + t + ")").orElse(""));
            tip.append('\n');
        }
        String state = status.has("state") ? status.get("state").getAsString() : "running";
        StringBuilder text = new StringBuilder("Warmup: ").append(warm).append(" warm");
        if (loading > 0) {
            text.append(", ").append(loading).append(" loading");
        }
        if (predicted > 0) {
            text.append(", ").append(predicted).append(" predicted");
        }
        if (state.equals("paused")) {
            text.append(" (paused)");
        }
        if (tip.length() == 0) {
            tip.append("No models configured (warmup.models)\n");
        }
        if (status.has("heldBack") && status.get("heldBack").isJsonArray()) { // what the machine holds back with
            for (JsonElement h : status.getAsJsonArray("heldBack")) {
                if (h.isJsonPrimitive()) {
                    tip.append("Held back: ").append(h.getAsString()).append('\n');
                }
            }
        }
        if (status.has("predictor")) {
            tip.append("Predictor: ").append(status.get("predictor").getAsString());
        }
        return new StatusText(text.toString(), tip.toString().strip());
    }

    private static java.util.Optional<String> text(JsonObject m, String key) {
        return m.has(key) && m.get(key).isJsonPrimitive() ? java.util.Optional.of(m.get(key).getAsString())
                : java.util.Optional.empty();
    }

    /** An ISO-8601 instant as the hour and minute on this machine's clock; null (left out) if it is not one. */
    static String localTime(String instant) {
        try {
            return java.time.format.DateTimeFormatter.ofPattern("HH:mm")
                    .format(java.time.Instant.parse(instant).atZone(java.time.ZoneId.systemDefault()));
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }
}
