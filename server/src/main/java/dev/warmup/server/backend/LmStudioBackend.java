package dev.warmup.server.backend;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * LM Studio 0.4 and later, through its own REST API (not its OpenAI-compatible one, whose model list names every
 * model on disk): {@code GET /api/v1/models} lists each model with its loaded instances and size;
 * {@code POST /api/v1/models/load} loads one (the backend's and the model's {@code options} go as fields of the request
 * beside {@code model}, such as {@code context_length} and {@code flash_attention}: LM Studio refuses any field its
 * documentation does not give), only when it has no loaded instance, as LM Studio loads a second instance otherwise;
 * and {@code POST /api/v1/models/unload} unloads each of its instances. The API token, if LM Studio asks for one, is
 * read from the environment variable the backend names ({@code apiKeyEnv}), never from settings.
 */
public final class LmStudioBackend implements ModelBackend {
    private static final String NEEDS = "LM Studio 0.4 or later serves /api/v1/models; for an older one use the"
            + " openai backend type";

    private final BackendSpec spec;
    private final HttpJson http;
    private final Clock clock;

    public LmStudioBackend(BackendSpec spec, HttpClient client, Clock clock, Map<String, String> env) {
        this.spec = spec;
        this.clock = clock;
        this.http = HttpJson.forBackend(spec, client, clock, env);
    }

    @Override public String name() { return spec.name(); }
    @Override public String type() { return BackendSpec.LMSTUDIO; }
    @Override public boolean canUnload() { return true; }

    /** One model of the list: its key, the ids of its loaded instances, its size in MB (-1 unknown). */
    record Listed(String key, List<String> instances, long sizeMb) {}

    @Override
    public CompletableFuture<LoadResult> load(ModelSpec model, Duration timeout) {
        long started = clock.millis();
        return list(timeout).thenCompose(models -> {
            Listed m = find(models, model.id());
            if (m != null && !m.instances().isEmpty()) { // loaded already: asking again would load another instance
                return CompletableFuture.completedFuture(new LoadResult(model.id(), -1, m.sizeMb())); // none timed
            }
            JsonObject body = spec.optionsFor(model); // a new object: the load settings are fields beside the model
            body.addProperty("model", model.id());
            return http.post("api/v1/models/load", body, timeout, r -> new LoadResult(model.id(),
                    loadMillis(r, clock.millis() - started), m == null ? -1 : m.sizeMb()));
        });
    }

    private static long loadMillis(JsonElement r, long measured) {
        if (r != null && r.isJsonObject() && r.getAsJsonObject().has("load_time_seconds")
                && r.getAsJsonObject().get("load_time_seconds").isJsonPrimitive()) {
            return Math.round(r.getAsJsonObject().get("load_time_seconds").getAsDouble() * 1000);
        }
        return measured;
    }

    @Override
    public CompletableFuture<Void> unload(ModelSpec model) {
        Duration timeout = Duration.ofSeconds(spec.timeoutSeconds());
        return list(timeout).thenCompose(models -> {
            Listed m = find(models, model.id());
            CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
            for (String instance : m == null ? List.<String>of() : m.instances()) {
                JsonObject body = new JsonObject();
                body.addProperty("instance_id", instance);
                all = all.thenCompose(x -> http.post("api/v1/models/unload", body, timeout).thenApply(r -> null));
            }
            return all;
        });
    }

    @Override
    public CompletableFuture<List<LoadedModel>> loaded() {
        return list(Duration.ofSeconds(spec.timeoutSeconds())).thenApply(models -> models.stream()
                .filter(m -> !m.instances().isEmpty()).map(m -> new LoadedModel(m.key(), m.sizeMb(), -1)).toList());
    }

    private CompletableFuture<List<Listed>> list(Duration timeout) {
        return http.get("api/v1/models", timeout, LmStudioBackend::parseModels).handle((models, e) -> {
            if (e == null) {
                return models;
            }
            Throwable c = WarmupException.unwrap(e);
            if (HttpJson.answered(c, 404) && c instanceof WarmupException w) { // LM Studio before 0.4
                throw new WarmupException(ErrorCode.WMP_8004, w.detail() + " (" + NEEDS + ")");
            }
            throw c instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(c);
        });
    }

    private static Listed find(List<Listed> models, String key) {
        return models.stream().filter(m -> m.key().equals(key)).findFirst().orElse(null);
    }

    static List<Listed> parseModels(JsonElement r) {
        if (r == null || !r.isJsonObject() || !r.getAsJsonObject().has("models")
                || !r.getAsJsonObject().get("models").isJsonArray()) {
            throw new WarmupException(ErrorCode.WMP_8004, "GET /api/v1/models: no models list in "
                    + WarmupException.quote(r) + " (" + NEEDS + ")");
        }
        List<Listed> out = new ArrayList<>();
        for (JsonElement e : r.getAsJsonObject().getAsJsonArray("models")) {
            JsonObject m = e.getAsJsonObject();
            List<String> instances = new ArrayList<>();
            if (m.has("loaded_instances") && m.get("loaded_instances").isJsonArray()) {
                m.getAsJsonArray("loaded_instances").forEach(i -> instances.add(i.getAsJsonObject().get("id")
                        .getAsString()));
            }
            long size = m.has("size_bytes") && m.get("size_bytes").isJsonPrimitive()
                    ? m.get("size_bytes").getAsLong() / (1024 * 1024) : -1;
            out.add(new Listed(m.get("key").getAsString(), List.copyOf(instances), size));
        }
        return out;
    }

    @Override
    public void close() {
        // the HttpClient is shared by the registry
    }
}
