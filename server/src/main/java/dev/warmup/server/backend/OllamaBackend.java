package dev.warmup.server.backend;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.config.GoDuration;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Ollama (docs/api.md): a model is loaded by {@code POST /api/generate} with the model and no prompt, and unloaded
 * by the same with {@code keep_alive: 0}; {@code GET /api/ps} lists what is loaded, with {@code size},
 * {@code size_vram} and {@code expires_at}. Loads send the backend's and the model's {@code options} (e.g.
 * {@code num_ctx}): a request with other options would make Ollama load the model again. An embedding model, which
 * {@code /api/generate} refuses (400, "does not support generate": Ollama checks the model's capabilities before it
 * loads), is loaded by {@code POST /api/embed} with the model and no input, which loads any model and embeds nothing;
 * the unload works for both, as Ollama expires the model before that check.
 */
public final class OllamaBackend implements ModelBackend {
    private final BackendSpec spec;
    private final HttpJson http;
    private final Clock clock;

    public OllamaBackend(BackendSpec spec, HttpClient client, Clock clock) {
        this.spec = spec;
        this.clock = clock;
        this.http = HttpJson.forBackend(spec, client, clock, Map.of()); // no token
    }

    @Override public String name() { return spec.name(); }
    @Override public String type() { return BackendSpec.OLLAMA; }
    @Override public boolean canUnload() { return true; }

    @Override
    public String canonicalName(String name) {
        return spec.canonicalName(name);
    }

    @Override
    public Optional<Duration> keepAliveAfterLoad() {
        return GoDuration.parse(keepAlive());
    }

    private String keepAlive() {
        return spec.keepAlive() == null ? "30m" : spec.keepAlive();
    }

    /**
     * Ollama's answer to a load is the same whether it loaded the model or found it loaded ({@code done_reason:
     * "load"}, no durations), so a load first looks at {@code /api/ps}, which lists models loaded and loading: one
     * listed there (another program asked for it since our last look) is not timed, as no load of ours happened or
     * only the end of another's was waited for. One listed with other options is loaded again by our request, and that
     * load goes untimed too. When the look fails the load is timed, as it was before there was a look.
     */
    @Override
    public CompletableFuture<LoadResult> load(ModelSpec model, Duration timeout) {
        JsonObject body = request(model);
        body.addProperty("keep_alive", keepAlive());
        return listed(model.id()).thenCompose(already -> {
            long started = clock.millis();
            Function<JsonElement, LoadResult> read =
                    r -> new LoadResult(model.id(), already ? -1 : clock.millis() - started, -1);
            return HttpJson.orElse(http.post("api/generate", body, timeout, read),
                    generate -> HttpJson.answered(generate, 400, "does not support generate"),
                    () -> embed(model, timeout, read));
        });
    }

    /** Whether {@code /api/ps} lists {@code id} now; false when it cannot be asked. */
    private CompletableFuture<Boolean> listed(String id) {
        return loaded().handle((ps, e) -> ps != null && ps.stream().anyMatch(m -> sameModel(id, m.modelId())));
    }

    /** The load of a model {@code /api/generate} refused: by {@code /api/embed}. */
    private CompletableFuture<LoadResult> embed(ModelSpec model, Duration timeout,
                                                Function<JsonElement, LoadResult> read) {
        JsonObject body = request(model);
        body.remove("stream");
        body.addProperty("keep_alive", keepAlive());
        return http.post("api/embed", body, timeout, read);
    }

    @Override
    public CompletableFuture<Void> unload(ModelSpec model) {
        JsonObject body = request(model);
        body.addProperty("keep_alive", 0);
        return http.post("api/generate", body, Duration.ofSeconds(spec.timeoutSeconds())).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<List<LoadedModel>> loaded() {
        return http.get("api/ps", Duration.ofSeconds(spec.timeoutSeconds()), OllamaBackend::parsePs);
    }

    static List<LoadedModel> parsePs(JsonElement r) {
        if (r == null || !r.isJsonObject() || !r.getAsJsonObject().has("models")) {
            throw new WarmupException(ErrorCode.WMP_8004, "GET /api/ps: no models list in " + WarmupException.quote(r));
        }
        List<LoadedModel> out = new ArrayList<>();
        for (JsonElement e : r.getAsJsonObject().getAsJsonArray("models")) {
            JsonObject m = e.getAsJsonObject();
            String name = m.has("model") ? m.get("model").getAsString() : m.get("name").getAsString();
            long size = m.has("size") ? m.get("size").getAsLong() : -1;
            long expires = -1;
            if (m.has("expires_at")) {
                try {
                    expires = OffsetDateTime.parse(m.get("expires_at").getAsString()).toInstant().toEpochMilli();
                } catch (RuntimeException ignored) {
                    // an unparsable expiry only means we do not know it
                }
            }
            out.add(new LoadedModel(name, size < 0 ? -1 : size / (1024 * 1024), expires));
        }
        return out;
    }

    private JsonObject request(ModelSpec model) {
        JsonObject body = new JsonObject();
        body.addProperty("model", model.id());
        body.addProperty("stream", false);
        JsonObject options = spec.optionsFor(model);
        if (options.size() > 0) {
            body.add("options", options);
        }
        return body;
    }

    @Override
    public void close() {
        // the HttpClient is shared by the registry
    }
}
