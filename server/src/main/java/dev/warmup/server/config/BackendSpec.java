package dev.warmup.server.config;

import com.google.gson.JsonObject;

/**
 * A named model-server endpoint from {@code warmup.backends}.
 *
 * @param type           {@code client}, {@code ollama}, {@code llamacpp}, {@code openai} or {@code lmstudio}
 * @param url            base URL; must be loopback unless {@code allowRemote}
 * @param allowRemote    allow a non-loopback host
 * @param timeoutSeconds per-call timeout
 * @param keepAlive      for Ollama: how long a warmed model stays loaded (Ollama duration, e.g. "30m")
 * @param options        extra options sent with loads (e.g. Ollama's {@code num_ctx}); may be null
 * @param apiKeyEnv      for OpenAI-compatible servers and LM Studio: name of the environment variable holding the key
 */
public record BackendSpec(String name, String type, String url, boolean allowRemote, int timeoutSeconds,
                          String keepAlive, JsonObject options, String apiKeyEnv) {
    public static final String CLIENT = "client";
    public static final String OLLAMA = "ollama";
    public static final String LLAMACPP = "llamacpp";
    public static final String OPENAI = "openai";
    public static final String LMSTUDIO = "lmstudio";
}
