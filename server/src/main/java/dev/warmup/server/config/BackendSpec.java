package dev.warmup.server.config;

import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelSpec;

/**
 * A named model-server endpoint from {@code warmup.backends}.
 *
 * @param type           {@code client}, {@code ollama}, {@code llamacpp}, {@code openai}, {@code lmstudio} or
 *                       {@code llamaswap}
 * @param url            base URL; must be loopback unless {@code allowRemote}
 * @param allowRemote    allow a non-loopback host
 * @param timeoutSeconds per-call timeout
 * @param keepAlive      for Ollama: how long a warmed model stays loaded (Ollama duration, e.g. "30m")
 * @param options        extra options sent with loads (e.g. Ollama's {@code num_ctx}); may be null
 * @param apiKeyEnv      for llama-server, OpenAI-compatible servers, LM Studio and llama-swap: name of the
 *                       environment variable holding the key
 */
public record BackendSpec(String name, String type, String url, boolean allowRemote, int timeoutSeconds,
                          String keepAlive, JsonObject options, String apiKeyEnv) {
    public static final String CLIENT = "client";
    public static final String OLLAMA = "ollama";
    public static final String LLAMACPP = "llamacpp";
    public static final String OPENAI = "openai";
    public static final String LMSTUDIO = "lmstudio";
    public static final String LLAMASWAP = "llamaswap";

    /**
     * One name per model, as this model server reads names: Ollama's full form ({@link OllamaNames}), since it takes
     * {@code coder}, {@code coder:latest} and {@code library/coder} for one model; the name itself for the others.
     */
    public String canonicalName(String name) {
        return OLLAMA.equals(type) ? OllamaNames.full(name) : name;
    }

    /** What a load of {@code model} sends as options: this backend's, then the model's own over them. */
    public JsonObject optionsFor(ModelSpec model) {
        JsonObject merged = new JsonObject();
        for (JsonObject o : new JsonObject[] {options, model.options()}) {
            if (o != null) {
                o.entrySet().forEach(e -> merged.add(e.getKey(), e.getValue()));
            }
        }
        return merged;
    }
}
