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
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp's {@code llama-server}. In router mode (the default; started without a model): {@code POST /models/load}
 * and {@code POST /models/unload} with {@code {"model": ID}}, and {@code GET /models}, whose entries carry
 * {@code status.value} = {@code loaded}, {@code loading} or {@code unloaded}; a load is complete when the model shows
 * as loaded. A single-model server (backend option {@code "mode": "single"}) cannot load or unload: warming it means
 * {@code GET /health} and a zero-token completion to fill its cache. Verified against the llama.cpp model-management
 * announcement (Hugging Face blog, 2025-12-11) and router-mode clients' fixtures; not against a running llama-server.
 */
public final class LlamaCppBackend implements ModelBackend {
    static final long POLL_MILLIS = 250;
    private final BackendSpec spec;
    private final HttpJson http;
    private final Clock clock;
    private final boolean single;

    public LlamaCppBackend(BackendSpec spec, HttpClient client, Clock clock) {
        this.spec = spec;
        this.clock = clock;
        this.single = spec.options() != null && spec.options().has("mode")
                && "single".equals(spec.options().get("mode").getAsString());
        this.http = HttpJson.forBackend(spec, client, clock, Map.of()); // no token
    }

    @Override public String name() { return spec.name(); }
    @Override public String type() { return BackendSpec.LLAMACPP; }
    @Override public boolean canUnload() { return !single; }

    @Override
    public CompletableFuture<LoadResult> load(ModelSpec model, Duration timeout) {
        long started = clock.millis();
        if (single) {
            JsonObject warm = new JsonObject();
            warm.addProperty("prompt", "");
            warm.addProperty("n_predict", 0);
            return http.get("health", timeout).thenCompose(h -> http.post("completion", warm, timeout))
                    .thenApply(r -> new LoadResult(model.id(), clock.millis() - started, -1));
        }
        JsonObject body = new JsonObject();
        body.addProperty("model", model.id());
        return http.post("models/load", body, timeout)
                .thenCompose(r -> awaitLoaded(model.id(), started + timeout.toMillis()))
                .thenApply(x -> new LoadResult(model.id(), clock.millis() - started, -1));
    }

    private CompletableFuture<Void> awaitLoaded(String id, long deadline) {
        return status().thenCompose(models -> {
            String state = models.stream().filter(m -> m[0].equals(id)).map(m -> m[1]).findFirst().orElse("absent");
            if (state.equals("loaded")) {
                return CompletableFuture.completedFuture(null);
            }
            if (!state.equals("loading") || clock.millis() >= deadline) {
                return CompletableFuture.failedFuture(new WarmupException(ErrorCode.WMP_8004,
                        "llama-server reports " + id + " as " + state));
            }
            return CompletableFuture.supplyAsync(() -> null,
                    CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS))
                    .thenCompose(x -> awaitLoaded(id, deadline));
        });
    }

    /** {id, status} of every model the router knows. */
    private CompletableFuture<List<String[]>> status() {
        return http.get("models", Duration.ofSeconds(spec.timeoutSeconds()), r -> {
            if (r == null || !r.isJsonObject() || !r.getAsJsonObject().has("data")) {
                throw new WarmupException(ErrorCode.WMP_8004, "GET /models: no data list in "
                        + WarmupException.quote(r));
            }
            List<String[]> out = new ArrayList<>();
            for (JsonElement e : r.getAsJsonObject().getAsJsonArray("data")) {
                JsonObject m = e.getAsJsonObject();
                String state = "loaded";
                if (m.has("status") && m.get("status").isJsonObject()) {
                    JsonObject st = m.getAsJsonObject("status");
                    state = st.get("value").getAsString();
                    if (st.has("failed") && st.get("failed").getAsBoolean()) { // its instance could not start
                        state += ", having failed to start" + (st.has("exit_code")
                                ? " (exit code " + st.get("exit_code").getAsString() + ")" : "");
                    }
                }
                out.add(new String[] {m.get("id").getAsString(), state});
            }
            return out;
        });
    }

    @Override
    public CompletableFuture<Void> unload(ModelSpec model) {
        if (single) {
            return CompletableFuture.completedFuture(null);
        }
        JsonObject body = new JsonObject();
        body.addProperty("model", model.id());
        return http.post("models/unload", body, Duration.ofSeconds(spec.timeoutSeconds())).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<List<LoadedModel>> loaded() {
        if (single) {
            return http.get("v1/models", Duration.ofSeconds(spec.timeoutSeconds()),
                    OpenAiCompatibleBackend::parseModels);
        }
        return status().thenApply(models -> models.stream().filter(m -> m[1].equals("loaded"))
                .map(m -> new LoadedModel(m[0], -1, -1)).toList());
    }

    @Override
    public void close() {
        // the HttpClient is shared by the registry
    }
}
