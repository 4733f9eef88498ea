package dev.warmup.protocol;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * One model of the catalogue.
 *
 * @param id          the model's name on its backend (e.g. {@code qwen2.5-coder:1.5b})
 * @param tasks       tasks it serves ({@link Tasks})
 * @param memoryMb    memory it holds when loaded
 * @param loadSeconds expected cold load time
 * @param backend     name of an entry of {@code warmup.backends}; {@code null} means the client backend
 * @param options     backend options sent with every load (e.g. Ollama's {@code num_ctx}); may be null
 */
public record ModelSpec(String id, List<String> tasks, Integer memoryMb, Double loadSeconds, String backend,
                        JsonObject options) {
    /**
     * The longest model id (and, in {@code warmup/modelUsed} and {@code warmup/activity}, model name or activity
     * kind) the server takes: names, not payloads, are stored with every use. A document event's language id,
     * trigger character or code action kinds are stored cut to this length.
     */
    public static final int MAX_NAME = 200;
}
