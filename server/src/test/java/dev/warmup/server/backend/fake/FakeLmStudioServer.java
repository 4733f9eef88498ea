package dev.warmup.server.backend.fake;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 speaking the model-management part of LM Studio's v1 REST API as its
 * documentation gives it: {@code GET /api/v1/models} lists every model on disk with {@code key},
 * {@code size_bytes} and {@code loaded_instances}; {@code POST /api/v1/models/load} takes the model and its load
 * settings as fields beside it ({@code context_length}, {@code flash_attention}...; a body with any other key is
 * refused, 400, as LM Studio's closed schema refuses one), loads an instance (a second one if the model is loaded
 * already, as LM Studio does) and answers {@code instance_id}, {@code load_time_seconds} and {@code status};
 * {@code POST /api/v1/models/unload} takes an {@code instance_id}. Every request is kept in {@link #requests} as
 * {@code METHOD PATH BODY auth=HEADER}.
 */
public final class FakeLmStudioServer implements AutoCloseable {
    /** The fields LM Studio's documentation gives a load request; it refuses any other. */
    private static final Set<String> LOAD_FIELDS = Set.of("model", "context_length",
            "eval_batch_size", "flash_attention", "num_experts", "offload_kv_cache_to_gpu", "echo_load_config");
    private final HttpServer server;
    private final Map<String, List<String>> instances = new LinkedHashMap<>(); // guarded by this
    public final List<String> requests = new CopyOnWriteArrayList<>();

    /** A server with {@code models} on disk, none loaded. */
    public FakeLmStudioServer(String... models) throws IOException {
        for (String m : models) {
            instances.put(m, new ArrayList<>());
        }
        server = LoopbackHttp.start(Map.of("/api/v1/models", this::handle));
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The ids of {@code model}'s loaded instances. */
    public synchronized List<String> instances(String model) {
        return List.copyOf(instances.get(model));
    }

    /** Loads an instance of {@code model} as LM Studio's own window or another program would. */
    public synchronized void loadedElsewhere(String model) {
        instances.get(model).add(model);
    }

    private void handle(HttpExchange x) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = x.getRequestURI().getPath();
        requests.add(x.getRequestMethod() + " " + path + " " + body + " auth="
                + x.getRequestHeaders().getFirst("Authorization"));
        synchronized (this) {
            switch (x.getRequestMethod() + " " + path) {
                case "GET /api/v1/models" -> JsonReply.send(x, 200, list().toString());
                case "POST /api/v1/models/load" -> {
                    JsonObject request = JsonParser.parseString(body).getAsJsonObject();
                    List<String> unknown = request.keySet().stream().filter(k -> !LOAD_FIELDS.contains(k)).toList();
                    if (!unknown.isEmpty()) {
                        JsonReply.send(x, 400, "{\"error\": {\"message\": \"Unrecognized key(s) in object: '"
                                + String.join("', '", unknown) + "'\"}}");
                        return;
                    }
                    String model = request.get("model").getAsString();
                    List<String> loaded = instances.get(model);
                    if (loaded == null) {
                        JsonReply.send(x, 404, "{\"error\": \"model not found\"}");
                        return;
                    }
                    String id = loaded.isEmpty() ? model : model + ":" + (loaded.size() + 1);
                    loaded.add(id);
                    JsonReply.send(x, 200, "{\"type\": \"llm\", \"instance_id\": \"" + id
                            + "\", \"load_time_seconds\": 2.5, \"status\": \"loaded\"}");
                }
                case "POST /api/v1/models/unload" -> {
                    String id = JsonParser.parseString(body).getAsJsonObject().get("instance_id").getAsString();
                    boolean removed = instances.values().stream().anyMatch(l -> l.remove(id));
                    JsonReply.send(x, removed ? 200 : 404, removed ? "{\"instance_id\": \"" + id + "\"}"
                            : "{\"error\": \"no such instance\"}");
                }
                default -> JsonReply.send(x, 404, "{\"error\": \"unknown endpoint\"}");
            }
        }
    }

    private JsonObject list() {
        JsonArray models = new JsonArray();
        instances.forEach((key, loaded) -> {
            JsonObject m = new JsonObject();
            m.addProperty("type", "llm");
            m.addProperty("key", key);
            m.addProperty("size_bytes", 1500L << 20);
            JsonArray inst = new JsonArray();
            for (String id : loaded) {
                JsonObject i = new JsonObject();
                i.addProperty("id", id);
                i.add("config", new JsonObject());
                inst.add(i);
            }
            m.add("loaded_instances", inst);
            models.add(m);
        });
        JsonObject r = new JsonObject();
        r.add("models", models);
        return r;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
