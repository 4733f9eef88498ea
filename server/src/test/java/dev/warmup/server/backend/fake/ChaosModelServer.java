package dev.warmup.server.backend.fake;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.warmup.server.JsonMutator;
import java.io.IOException;
import java.util.Map;

/**
 * A model server that answers every endpoint of the five backend types with what such a server answers, mutated at
 * random (a seeded generator): fields left out or of another type, numbers out of range, lists of the wrong things,
 * and now and then an HTTP error, a body that is not JSON or none. For checking that every such answer becomes a
 * clear WMP code, whatever the backend.
 */
public final class ChaosModelServer implements AutoCloseable {
    private static final Map<String, String> ANSWERS = Map.ofEntries(
            Map.entry("/api/ps", "{\"models\": [{\"name\": \"coder:latest\", \"model\": \"coder:latest\", \"size\":"
                    + " 1000000, \"size_vram\": 1000000, \"expires_at\": \"2030-01-01T00:00:00Z\"}]}"),
            Map.entry("/api/generate", "{\"model\": \"coder\", \"response\": \"\", \"done\": true,"
                    + " \"load_duration\": 1230000}"),
            Map.entry("/health", "{\"status\": \"ok\"}"),
            Map.entry("/completion", "{\"content\": \"\"}"),
            Map.entry("/models", "{\"data\": [{\"id\": \"coder\", \"status\": {\"value\": \"loaded\", \"failed\":"
                    + " false, \"exit_code\": 0}}]}"),
            Map.entry("/models/load", "{\"success\": true}"),
            Map.entry("/models/unload", "{\"success\": true}"),
            Map.entry("/v1/models", "{\"data\": [{\"id\": \"coder\", \"object\": \"model\"}]}"),
            Map.entry("/v1/chat/completions", "{\"choices\": [{\"message\": {\"content\": \"\"}}]}"),
            Map.entry("/api/v1/models", "{\"models\": [{\"key\": \"coder\", \"size_bytes\": 1000000,"
                    + " \"loaded_instances\": [{\"id\": \"coder\"}]}]}"),
            Map.entry("/api/v1/models/load", "{\"instance_id\": \"coder\", \"load_time_seconds\": 1.5}"),
            Map.entry("/api/v1/models/unload", "{\"instance_id\": \"coder\"}"),
            Map.entry("/running", "{\"running\": [{\"model\": \"coder\", \"state\": \"ready\", \"ttl\": 60}]}"),
            Map.entry("/api/metrics", "[{\"id\": 3, \"model\": \"coder\", \"timestamp\": \"2026-11-30T10:00:00Z\"}]"));
    private final HttpServer server;
    private final JsonMutator random;

    public ChaosModelServer(long seed) throws IOException {
        random = new JsonMutator(seed);
        server = LoopbackHttp.start(Map.of("/", this::answer));
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        String path = x.getRequestURI().getPath();
        String key = path.endsWith("/health") ? "/health" : path.startsWith("/api/models/unload") ? "/models/unload"
                : path;
        JsonElement valid = JsonParser.parseString(ANSWERS.getOrDefault(key, "{\"ok\": true}"));
        int status;
        String body;
        synchronized (random) {
            int r = random.nextInt(100);
            if (r < 3) {
                status = 500;
                body = "{\"error\": \"boom\"}";
            } else if (r < 6) {
                status = 404;
                body = "not found";
            } else if (r < 10) {
                status = 200;
                body = "{not json";
            } else if (r < 13) {
                status = 200;
                body = "";
            } else {
                status = 200;
                body = (r < 45 ? valid : random.mutate(valid)).toString();
            }
        }
        if (body.isEmpty()) {
            x.sendResponseHeaders(status, -1);
            x.close();
        } else {
            JsonReply.send(x, status, body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
