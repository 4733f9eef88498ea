package dev.warmup.server.backend.fake;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 speaking llama-server's router endpoints ({@code GET /models} with
 * {@code status.value}, {@code POST /models/load}, {@code POST /models/unload}) and the OpenAI-compatible ones
 * ({@code GET /v1/models}, {@code POST /v1/chat/completions}). A load first shows the model as {@code loading}
 * for {@link #loadingPolls} polls of {@code /models}, then {@code loaded}.
 */
public final class FakeLlamaServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Integer> pollsLeft = new ConcurrentHashMap<>();
    private final Map<String, String> state = new ConcurrentHashMap<>();
    /** Models whose instance exits at start with this code, as a model too large for the machine's memory does. */
    public final Map<String, Integer> failsToStart = new ConcurrentHashMap<>();
    /** Polls of /models during which a loading model still shows as loading. */
    public volatile int loadingPolls = 2;
    /** Every request as {@code METHOD PATH BODY}, and the Authorization header when there was one. */
    public final List<String> requests = new CopyOnWriteArrayList<>();

    public FakeLlamaServer(String... known) throws IOException {
        for (String m : known) {
            state.put(m, "unloaded");
        }
        server = LoopbackHttp.start(Map.of("/", this::handle));
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String state(String model) {
        return state.getOrDefault(model, "absent");
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String auth = x.getRequestHeaders().getFirst("Authorization");
        requests.add(x.getRequestMethod() + " " + path + " " + body + (auth == null ? "" : " auth=" + auth));
        switch (path) {
            case "/models" -> {
                JsonArray data = new JsonArray();
                state.forEach((id, s) -> {
                    Integer exit = failsToStart.get(id);
                    if (s.equals("loading") && pollsLeft.merge(id, -1, Integer::sum) < 0) {
                        s = exit == null ? "loaded" : "unloaded";
                        state.put(id, s);
                    }
                    JsonObject m = new JsonObject();
                    m.addProperty("id", id);
                    JsonObject st = new JsonObject();
                    st.addProperty("value", s);
                    if (exit != null && s.equals("unloaded")) {
                        st.addProperty("failed", true);
                        st.addProperty("exit_code", exit);
                    }
                    m.add("status", st);
                    data.add(m);
                });
                JsonObject r = new JsonObject();
                r.add("data", data);
                JsonReply.send(x, 200, r.toString());
            }
            case "/models/load", "/models/unload" -> {
                String id = JsonParser.parseString(body).getAsJsonObject().get("model").getAsString();
                if (!state.containsKey(id)) {
                    JsonReply.send(x, 404, "{\"error\": \"model not found\"}");
                    return;
                }
                boolean load = path.endsWith("load") && !path.endsWith("unload");
                state.put(id, load ? "loading" : "unloaded");
                pollsLeft.put(id, loadingPolls);
                JsonReply.send(x, 200, "{\"success\": true}");
            }
            case "/v1/models" -> {
                JsonArray data = new JsonArray();
                state.keySet().forEach(id -> {
                    JsonObject m = new JsonObject();
                    m.addProperty("id", id);
                    data.add(m);
                });
                JsonObject r = new JsonObject();
                r.add("data", data);
                JsonReply.send(x, 200, r.toString());
            }
            case "/v1/chat/completions" -> {
                String id = JsonParser.parseString(body).getAsJsonObject().get("model").getAsString();
                state.put(id, "loaded");
                JsonReply.send(x, 200, "{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": \"o\"}}]}");
            }
            default -> JsonReply.send(x, 404, "{}");
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
