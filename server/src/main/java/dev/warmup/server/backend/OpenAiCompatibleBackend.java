package dev.warmup.server.backend;

import com.google.gson.JsonArray;
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
 * Any OpenAI-compatible server (vLLM, LM Studio, ...): a one-token {@code POST /v1/chat/completions} warms a model
 * (servers that load on demand load it then), or, when the server refuses a chat with it (vLLM answers 400 for a base
 * model without a chat template, as code-completion models often are), a one-token {@code POST /v1/completions};
 * {@code GET /v1/models} lists what it serves; there is no unload. The API key, if any, is read from the environment
 * variable the backend names ({@code apiKeyEnv}), never from settings.
 */
public final class OpenAiCompatibleBackend implements ModelBackend {
    private final BackendSpec spec;
    private final HttpJson http;
    private final Clock clock;

    public OpenAiCompatibleBackend(BackendSpec spec, HttpClient client, Clock clock, Map<String, String> env) {
        this.spec = spec;
        this.clock = clock;
        this.http = HttpJson.forBackend(spec, client, clock, env);
    }

    @Override public String name() { return spec.name(); }
    @Override public String type() { return BackendSpec.OPENAI; }
    @Override public boolean canUnload() { return false; }

    @Override
    public CompletableFuture<LoadResult> load(ModelSpec model, Duration timeout) {
        JsonObject body = new JsonObject();
        body.addProperty("model", model.id());
        JsonArray messages = new JsonArray();
        JsonObject hello = new JsonObject();
        hello.addProperty("role", "user");
        hello.addProperty("content", "ok");
        messages.add(hello);
        body.add("messages", messages);
        body.addProperty("max_tokens", 1);
        long started = clock.millis();
        return HttpJson.orElse(http.post("v1/chat/completions", body, timeout),
                        OpenAiCompatibleBackend::chatRefused, () -> completion(model, timeout))
                .thenApply(r -> new LoadResult(model.id(), clock.millis() - started, -1));
    }

    /**
     * Whether the server answered the chat with a refusal of the request itself (400, 404, 405, 422...), which a plain
     * completion may not meet; not when it refused us (401, 403), asked us to slow down (429) or failed (5xx, none).
     */
    private static boolean chatRefused(Throwable chat) {
        int status = HttpJson.status(chat);
        return status / 100 == 4 && status != 401 && status != 403 && status != 429;
    }

    /** The one-token plain completion, tried when the chat was refused. */
    private CompletableFuture<JsonElement> completion(ModelSpec model, Duration timeout) {
        JsonObject body = new JsonObject();
        body.addProperty("model", model.id());
        body.addProperty("prompt", "ok");
        body.addProperty("max_tokens", 1);
        return http.post("v1/completions", body, timeout);
    }

    @Override
    public CompletableFuture<Void> unload(ModelSpec model) {
        return CompletableFuture.completedFuture(null); // OpenAI's API has no unload
    }

    @Override
    public CompletableFuture<List<LoadedModel>> loaded() {
        return http.get("v1/models", Duration.ofSeconds(spec.timeoutSeconds()), OpenAiCompatibleBackend::parseModels);
    }

    static List<LoadedModel> parseModels(JsonElement r) {
        if (r == null || !r.isJsonObject() || !r.getAsJsonObject().has("data")) {
            throw new WarmupException(ErrorCode.WMP_8004, "GET /v1/models: no data list in "
                    + WarmupException.quote(r));
        }
        List<LoadedModel> out = new ArrayList<>();
        for (JsonElement e : r.getAsJsonObject().getAsJsonArray("data")) {
            out.add(new LoadedModel(e.getAsJsonObject().get("id").getAsString(), -1, -1));
        }
        return out;
    }

    @Override
    public void close() {
        // the HttpClient is shared by the registry
    }
}
