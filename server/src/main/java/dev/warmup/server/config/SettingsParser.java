package dev.warmup.server.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.Tasks;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the {@code warmup} settings section into {@link WarmupSettings}, validating every key. The one code path
 * for {@code initializationOptions}, {@code didChangeConfiguration} and {@code workspace/configuration}. A bad
 * value rejects the whole section with WMP-8001 naming the key, the value and the allowed range. Keys not given
 * take their defaults; keys the server does not know (e.g. the clients' own {@code java}, {@code trace}) are
 * ignored.
 */
public final class SettingsParser {

    private SettingsParser() {}

    /**
     * Accepts the {@code warmup} section itself, or an object holding it under {@code warmup} or under
     * {@code settings.warmup}. Null or JSON null gives the defaults.
     */
    public static WarmupSettings parse(JsonElement element) {
        JsonObject section = locateSection(element);
        WarmupSettings d = WarmupSettings.defaults();
        if (section == null) {
            return d;
        }
        Map<String, BackendSpec> backends = backends(section.get("backends"));
        List<ModelSpec> models = models(section.get("models"), backends);
        return new WarmupSettings(
                intKey(section, "maxWarmModels", "", d.maxWarmModels(), 1, 64),
                intKey(section, "maxMemoryMb", "", d.maxMemoryMb(), 64, 4_194_304),
                doubleKey(section, "maxCpuPercent", "", d.maxCpuPercent(), 1.0, 100.0),
                doubleKey(section, "predictionThreshold", "", d.predictionThreshold(), 0.0, 1.0),
                intKey(section, "usageWindowSeconds", "", d.usageWindowSeconds(), 60, 2_592_000),
                intKey(section, "maxQueueSize", "", d.maxQueueSize(), 1, 10_000),
                intKey(section, "warmupTimeoutSeconds", "", d.warmupTimeoutSeconds(), 1, 3600),
                doubleKey(section, "performanceImpactThreshold", "", d.performanceImpactThreshold(), 0.0, 1.0),
                doubleKey(section, "learningRate", "", d.learningRate(), 0.001, 1.0),
                boolKey(section, "backgroundWarmupEnabled", "", d.backgroundWarmupEnabled()),
                intKey(section, "predictionCacheTtlSeconds", "", d.predictionCacheTtlSeconds(), 0, 86_400),
                intKey(section, "historyDays", "", d.historyDays(), 1, 3650),
                intKey(section, "maxConcurrentLoads", "", d.maxConcurrentLoads(), 1, 16),
                models, backends);
    }

    /** The {@code warmup} section itself, wherever {@link #parse} would find it (null: none). */
    static JsonObject locateSection(JsonElement element) {
        if (element == null || element.isJsonNull()) {
            return null;
        }
        if (!element.isJsonObject()) {
            throw invalidSection(element);
        }
        JsonObject o = element.getAsJsonObject();
        if (o.has("settings") && o.get("settings").isJsonObject()) {
            return locateSection(o.get("settings"));
        }
        if (o.has("warmup")) {
            JsonElement w = o.get("warmup");
            if (w.isJsonNull()) {
                return null;
            }
            if (!w.isJsonObject()) {
                throw invalidSection(w);
            }
            return w.getAsJsonObject();
        }
        return o;
    }

    /** The section itself is not an object: named {@code warmup}, not {@code warmup.warmup}. */
    private static WarmupException invalidSection(JsonElement value) {
        return new WarmupException(ErrorCode.WMP_8001,
                "warmup = " + WarmupException.quote(value) + " is not allowed; expected an object of settings");
    }

    static WarmupException invalid(String key, JsonElement value, String allowed) {
        return new WarmupException(ErrorCode.WMP_8001,
                "warmup." + key + " = " + WarmupException.quote(value) + " is not allowed; expected " + allowed);
    }

    /** The key's name as users see it after {@code warmup.}: {@code models[0].memoryMb}, or just the key at the top. */
    private static String at(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static int intKey(JsonObject o, String key, String path, int def, int min, int max) {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            return def;
        }
        String range = "an integer from " + min + " to " + max;
        if (!isNumber(v)) {
            throw invalid(at(path, key), v, range);
        }
        double d = v.getAsDouble();
        if (d != Math.rint(d) || d < min || d > max) {
            throw invalid(at(path, key), v, range);
        }
        return (int) d;
    }

    private static double doubleKey(JsonObject o, String key, String path, double def, double min, double max) {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            return def;
        }
        String range = "a number from " + min + " to " + max;
        if (!isNumber(v)) {
            throw invalid(at(path, key), v, range);
        }
        double d = v.getAsDouble();
        if (Double.isNaN(d) || d < min || d > max) {
            throw invalid(at(path, key), v, range);
        }
        return d;
    }

    private static boolean boolKey(JsonObject o, String key, String path, boolean def) {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            return def;
        }
        if (!(v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean())) {
            throw invalid(at(path, key), v, "true or false");
        }
        return v.getAsBoolean();
    }

    private static boolean isNumber(JsonElement v) {
        return v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber();
    }

    private static String string(JsonObject o, String key, String path, boolean required) {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            if (required) {
                throw invalid(at(path, key), JsonNull.INSTANCE, "a non-empty string");
            }
            return null;
        }
        if (!(v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) || v.getAsString().isBlank()) {
            throw invalid(at(path, key), v, "a non-empty string");
        }
        return v.getAsString();
    }

    private static Map<String, BackendSpec> backends(JsonElement v) {
        Map<String, BackendSpec> out = new LinkedHashMap<>();
        if (v == null || v.isJsonNull()) {
            return out;
        }
        if (!v.isJsonObject()) {
            throw invalid("backends", v, "an object of named backends");
        }
        for (Map.Entry<String, JsonElement> e : v.getAsJsonObject().entrySet()) {
            String path = "backends." + e.getKey();
            if (!e.getValue().isJsonObject()) {
                throw invalid(path, e.getValue(), "an object with type and url");
            }
            JsonObject b = e.getValue().getAsJsonObject();
            String type = string(b, "type", path, true);
            if (!List.of(BackendSpec.CLIENT, BackendSpec.OLLAMA, BackendSpec.LLAMACPP, BackendSpec.OPENAI,
                    BackendSpec.LMSTUDIO, BackendSpec.LLAMASWAP).contains(type)) {
                throw invalid(path + ".type", b.get("type"),
                        "one of client, ollama, llamacpp, openai, lmstudio, llamaswap");
            }
            String url = string(b, "url", path, !BackendSpec.CLIENT.equals(type));
            boolean allowRemote = boolKey(b, "allowRemote", path, false);
            if (url != null) {
                checkUrl(path + ".url", b.get("url"), url, allowRemote);
            }
            int timeout = intKey(b, "timeoutSeconds", path, 30, 1, 3600);
            String keepAlive = string(b, "keepAlive", path, false);
            if (keepAlive != null && !GoDuration.positive(keepAlive)) { // Ollama would refuse every load (400), or
                // with 0 unload each model as soon as it is loaded
                throw invalid(path + ".keepAlive", b.get("keepAlive"),
                        "a positive duration as Ollama reads it, such as 30m, 1h or 90s");
            }
            JsonElement opts = b.get("options");
            if (opts != null && !opts.isJsonNull() && !opts.isJsonObject()) {
                throw invalid(path + ".options", opts, "an object");
            }
            String apiKeyEnv = string(b, "apiKeyEnv", path, false);
            out.put(e.getKey(), new BackendSpec(e.getKey(), type, url, allowRemote, timeout,
                    keepAlive == null ? "30m" : keepAlive,
                    opts == null || opts.isJsonNull() ? null : opts.getAsJsonObject(), apiKeyEnv));
        }
        return out;
    }

    private static void checkUrl(String key, JsonElement raw, String url, boolean allowRemote) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException ex) {
            throw invalid(key, raw, "an http(s) URL");
        }
        if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
            throw invalid(key, raw, "an http(s) URL");
        }
        if (!allowRemote && !Loopback.isLoopbackHost(uri.getHost())) {
            throw new WarmupException(ErrorCode.WMP_8006, "warmup." + key + " = " + WarmupException.quote(raw)
                    + " is not a loopback address; set allowRemote: true on this backend to allow it");
        }
    }

    private static List<ModelSpec> models(JsonElement v, Map<String, BackendSpec> backends) {
        List<ModelSpec> out = new ArrayList<>();
        if (v == null || v.isJsonNull()) {
            return out;
        }
        if (!v.isJsonArray()) {
            throw invalid("models", v, "an array of models");
        }
        JsonArray arr = v.getAsJsonArray();
        if (arr.size() > ConfigurationManager.MAX_MODELS) { // before the pairwise check of twins below
            throw new WarmupException(ErrorCode.WMP_8001, "warmup.models holds " + arr.size() + " models; at most "
                    + ConfigurationManager.MAX_MODELS);
        }
        for (int i = 0; i < arr.size(); i++) {
            String path = "models[" + i + "]";
            if (!arr.get(i).isJsonObject()) {
                throw invalid(path, arr.get(i), "an object with id and tasks");
            }
            ModelSpec m = model(arr.get(i).getAsJsonObject(), path, backends);
            refuseTwin(out, m, path, backends);
            out.add(m);
        }
        return List.copyOf(out);
    }

    /**
     * Whether two catalogue entries are one: the same id, or one model on one backend whose server reads both names
     * alike ({@link BackendSpec#canonicalName}: Ollama's {@code coder} and {@code coder:latest}).
     */
    static boolean sameModel(ModelSpec a, ModelSpec b, Map<String, BackendSpec> backends) {
        if (a.id().equals(b.id())) {
            return true;
        }
        BackendSpec server = a.backend() == null ? null : backends.get(a.backend());
        return server != null && a.backend().equals(b.backend())
                && server.canonicalName(a.id()).equals(server.canonicalName(b.id()));
    }

    /** Refuses {@code m} (at {@code path}) if one of {@code earlier} is the same entry: which was meant is unclear. */
    static void refuseTwin(List<ModelSpec> earlier, ModelSpec m, String path, Map<String, BackendSpec> backends) {
        for (ModelSpec e : earlier) {
            if (sameModel(e, m, backends)) {
                throw invalid(path + ".id", new JsonPrimitive(m.id()), e.id().equals(m.id()) ? "a unique model id"
                        : "another model than " + e.id() + ", which Ollama names so too");
            }
        }
    }

    /** Validates one catalogue entry; also used by {@code warmup/registerModels}. */
    public static ModelSpec model(JsonObject m, String path, Map<String, BackendSpec> backends) {
        String id = string(m, "id", path, true);
        if (id.length() > ModelSpec.MAX_NAME) {
            throw invalid(path + ".id", m.get("id"), "a name of at most " + ModelSpec.MAX_NAME + " characters");
        }
        JsonElement t = m.get("tasks");
        if (t == null || !t.isJsonArray() || t.getAsJsonArray().isEmpty()) {
            throw invalid(path + ".tasks", t == null ? JsonNull.INSTANCE : t,
                    "a non-empty array of " + String.join("|", Tasks.BUILT_IN) + "|custom:NAME");
        }
        List<String> tasks = new ArrayList<>();
        for (JsonElement e : t.getAsJsonArray()) {
            String task = e.isJsonPrimitive() ? e.getAsString() : null;
            if (!Tasks.isValid(task)) {
                throw invalid(path + ".tasks", e, String.join("|", Tasks.BUILT_IN) + "|custom:NAME");
            }
            tasks.add(task);
        }
        int memoryMb = intKey(m, "memoryMb", path, 4096, 1, 4_194_304);
        double loadSeconds = doubleKey(m, "loadSeconds", path, 10.0, 0.0, 3600.0);
        String backend = string(m, "backend", path, false);
        if (backend != null && !backends.containsKey(backend) && !BackendSpec.CLIENT.equals(backend)) {
            throw invalid(path + ".backend", m.get("backend"), "the name of an entry of warmup.backends, or client");
        }
        JsonElement opts = m.get("options");
        if (opts != null && !opts.isJsonNull() && !opts.isJsonObject()) {
            throw invalid(path + ".options", opts, "an object");
        }
        return new ModelSpec(id, List.copyOf(tasks), memoryMb, loadSeconds, backend,
                opts == null || opts.isJsonNull() ? null : opts.getAsJsonObject());
    }

}
