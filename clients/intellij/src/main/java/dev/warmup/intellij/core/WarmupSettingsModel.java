package dev.warmup.intellij.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings page's model: every {@code warmup.*} key with the server's default and range, validated as the
 * server validates it (a value outside the range is refused with a message naming the key, the value and the range),
 * and the {@code initializationOptions} the plugin sends: {@code {settings: {warmup: {...}}}}, the VS Code
 * extension's shape. {@code models} and {@code backends} are kept as JSON and validated by the server.
 */
public final class WarmupSettingsModel {
    public static final List<SettingSpec> SPECS = List.of(
            SettingSpec.integer("maxWarmModels", 5, 1, 64, "Most models kept warm (or loading) at once."),
            SettingSpec.integer("maxMemoryMb", 2048, 64, 4_194_304, "Memory budget for warm models, in MB."),
            SettingSpec.decimal("maxCpuPercent", 30.0, 1.0, 100.0, "No load starts while the CPU is busier."),
            SettingSpec.decimal("predictionThreshold", 0.7, 0.0, 1.0, "Higher holds less memory, risks cold starts."),
            SettingSpec.integer("usageWindowSeconds", 3600, 60, 2_592_000, "Recent-usage window of the usage statistics."),
            SettingSpec.integer("maxQueueSize", 100, 1, 10_000, "Pending warm-ups at most."),
            SettingSpec.integer("warmupTimeoutSeconds", 30, 1, 3600, "A longer load is abandoned."),
            SettingSpec.decimal("performanceImpactThreshold", 0.1, 0.0, 1.0, "Share of the machine loads may use."),
            SettingSpec.decimal("learningRate", 0.1, 0.001, 1.0, "Learning rate of the predictor."),
            SettingSpec.flag("backgroundWarmupEnabled", true, "Warm on predictions (off: explicit requests only)."),
            SettingSpec.integer("predictionCacheTtlSeconds", 300, 0, 86_400, "How long a forecast may be reused at most (0: always fresh)."),
            SettingSpec.integer("historyDays", 30, 1, 3650, "Days of raw usage events kept."),
            SettingSpec.integer("maxConcurrentLoads", 1, 1, 16, "Loads at the same time at most."));

    private final Map<String, JsonElement> values = new LinkedHashMap<>();

    public static Optional<SettingSpec> spec(String key) {
        return SPECS.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    /** Null when {@code value} is acceptable for {@code key}, else why not, as the server would say it. */
    public static String validate(String key, JsonElement value) {
        SettingSpec s = spec(key).orElse(null);
        if (s == null) {
            return key.equals("models") || key.equals("backends") ? null : "warmup." + key + " is not a setting";
        }
        if (!value.isJsonPrimitive()) {
            return "warmup." + key + " = " + value + " is not a " + s.type();
        }
        JsonPrimitive p = value.getAsJsonPrimitive();
        if (s.type().equals("boolean")) {
            return p.isBoolean() ? null : "warmup." + key + " = " + value + " is not true or false";
        }
        if (!p.isNumber()) {
            return "warmup." + key + " = " + value + " is not a number";
        }
        double v = p.getAsDouble();
        if (s.type().equals("int") && v != Math.rint(v)) {
            return "warmup." + key + " = " + value + " is not an integer";
        }
        if (v < s.min() || v > s.max()) {
            return "warmup." + key + " = " + value + " is not allowed; expected " + (s.type().equals("int")
                    ? "an integer from " + (long) s.min() + " to " + (long) s.max()
                    : "a number from " + s.min() + " to " + s.max());
        }
        return null;
    }

    /** Sets a value after validating it; returns the error, or null when it was set. */
    public String set(String key, JsonElement value) {
        String error = validate(key, value);
        if (error == null) {
            values.put(key, value);
        }
        return error;
    }

    public void reset(String key) {
        values.remove(key);
    }

    /** The value in force (the set one, else the default; null for unset models/backends). */
    public JsonElement get(String key) {
        JsonElement v = values.get(key);
        if (v != null) {
            return v;
        }
        return spec(key).map(s -> s.defaultValue() instanceof Boolean b ? new JsonPrimitive(b)
                : (JsonElement) new JsonPrimitive((Number) s.defaultValue())).orElse(null);
    }

    /** The {@code warmup} section with the values the user set (the server applies its defaults to the rest). */
    public JsonObject section() {
        JsonObject o = new JsonObject();
        values.forEach(o::add);
        return o;
    }

    /**
     * Sets every value the settings page holds, as the user typed them, all or nothing: when any is refused, nothing
     * changes and every refusal is returned (empty: all set). An empty text resets the key to its default.
     */
    public List<String> applyAll(Map<String, String> texts) {
        List<String> errors = new ArrayList<>();
        Map<String, JsonElement> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : texts.entrySet()) {
            String text = e.getValue().trim();
            if (text.isEmpty()) {
                parsed.put(e.getKey(), null);
                continue;
            }
            JsonElement value;
            try {
                value = JsonParser.parseString(text);
            } catch (JsonParseException ex) {
                value = new JsonPrimitive(text); // reported below as "not a number" (or not true or false)
            }
            String error = validate(e.getKey(), value);
            if (error != null) {
                errors.add(error);
            } else {
                parsed.put(e.getKey(), value);
            }
        }
        if (errors.isEmpty()) {
            parsed.forEach((k, v) -> {
                if (v == null) {
                    values.remove(k);
                } else {
                    values.put(k, v);
                }
            });
        }
        return errors;
    }

    /** What the IDE stores: the section with the values the user set, as JSON. */
    public String toJson() {
        return section().toString();
    }

    /**
     * The model a stored section describes. A stored value the server would refuse (an older version's, or a hand
     * edit) is dropped and reported in {@code problems}, so the IDE starts with the rest rather than failing.
     */
    public static WarmupSettingsModel fromJson(String json, List<String> problems) {
        WarmupSettingsModel model = new WarmupSettingsModel();
        JsonElement root;
        try {
            root = json == null || json.isBlank() ? new JsonObject() : JsonParser.parseString(json);
        } catch (JsonParseException e) {
            problems.add("stored Warmup settings are not JSON; using the defaults: " + e.getMessage());
            return model;
        }
        if (!root.isJsonObject()) {
            problems.add("stored Warmup settings are not a JSON object; using the defaults");
            return model;
        }
        for (Map.Entry<String, JsonElement> e : root.getAsJsonObject().entrySet()) {
            String error = model.set(e.getKey(), e.getValue());
            if (error != null) {
                problems.add(error + " (dropped)");
            }
        }
        return model;
    }

    /** The {@code settings} of a {@code workspace/didChangeConfiguration}: {@code {warmup: {...}}}. */
    public JsonObject changeConfigurationSettings() {
        JsonObject settings = new JsonObject();
        settings.add("warmup", section());
        return settings;
    }

    /** {@code {settings: {warmup: {...}}}}. */
    public JsonObject initializationOptions() {
        JsonObject o = new JsonObject();
        o.add("settings", changeConfigurationSettings());
        return o;
    }
}
