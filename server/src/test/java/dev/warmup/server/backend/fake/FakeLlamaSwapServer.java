package dev.warmup.server.backend.fake;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 answering as llama-swap's source does ({@code proxy/proxymanager.go},
 * {@code proxymanager_api.go}): {@code GET /running} lists the models whose upstream is ready; a request to
 * {@code /upstream/MODEL/PATH} starts the model (stopping the others when {@code swap} is on, as llama-swap does by
 * default) and forwards PATH to its upstream, whose {@code /health} answers {@code {"status":"ok"}} unless the
 * model is set to have none (404 from the upstream); an unknown model is {@code 400 model id required in path};
 * {@code POST /api/models/unload/MODEL} stops one and answers {@code OK} as text, {@code 404 Model not found} for
 * an unknown one; {@code GET /api/metrics} is the activity log, an entry per inference request with its {@code id}
 * and {@code model} ({@link #requestedElsewhere}). Model ids may contain slashes. Every request is kept in
 * {@link #requests} as {@code METHOD PATH auth=HEADER}.
 */
public final class FakeLlamaSwapServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Boolean> running = new LinkedHashMap<>(); // model -> upstream running; guarded by this
    private final List<String> withoutHealth = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> ttls = new java.util.concurrent.ConcurrentHashMap<>();
    private final Tally healthChecks = new Tally(); // by model
    private volatile boolean swap;
    private volatile boolean activityLog = true;
    private final JsonArray activity = new JsonArray(); // guarded by this
    public final List<String> requests = new CopyOnWriteArrayList<>();

    /** A llama-swap configured with {@code models}, none running, in a group that does not swap. */
    public FakeLlamaSwapServer(String... models) throws IOException {
        for (String m : models) {
            running.put(m, false);
        }
        server = LoopbackHttp.start(Map.of("/", this::handle));
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Starting a model stops the others, as llama-swap does unless its configuration lets them run together. */
    public void swap(boolean on) {
        swap = on;
    }

    /** llama-swap's {@code ttl} for {@code model}: stopped that many seconds after its last request (not emulated). */
    public void ttl(String model, int seconds) {
        ttls.put(model, seconds);
    }

    /** {@code model}'s upstream has no {@code /health} (some OpenAI-compatible servers). */
    public void withoutHealth(String model) {
        withoutHealth.add(model);
    }

    /** Completes once {@code model}'s upstream has been asked for its health {@code n} times (starts and renewals). */
    public CompletableFuture<Integer> healthChecks(String model, int n) {
        return healthChecks.atLeast(model, n);
    }

    public synchronized boolean isRunning(String model) {
        return Boolean.TRUE.equals(running.get(model));
    }

    /**
     * A request of another program through llama-swap to {@code model}: starts it if need be and, as llama-swap's
     * metrics monitor does for an inference request, adds an entry to the activity log.
     */
    public synchronized void requestedElsewhere(String model) {
        start(model);
        JsonObject m = new JsonObject();
        m.addProperty("id", activity.size());
        m.addProperty("timestamp", "2026-01-05T10:00:00Z");
        m.addProperty("model", model);
        m.addProperty("cache_tokens", 0);
        m.addProperty("input_tokens", 120);
        m.addProperty("output_tokens", 16);
        m.addProperty("prompt_per_second", 900.0);
        m.addProperty("tokens_per_second", 45.0);
        m.addProperty("duration_ms", 420);
        m.addProperty("has_capture", false);
        activity.add(m);
    }

    /** An older llama-swap, without the activity log ({@code /api/metrics} answers 404). */
    public void withoutActivityLog() {
        activityLog = false;
    }

    /** Serves the activity log again, as llama-swap does once upgraded. */
    public void withActivityLog() {
        activityLog = true;
    }

    /** Starts {@code model} as another program's request through llama-swap would. */
    public synchronized void startedElsewhere(String model) {
        start(model);
    }

    private void start(String model) {
        if (swap) {
            running.replaceAll((m, on) -> false);
        }
        running.put(model, true);
    }

    private void handle(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        String path = x.getRequestURI().getPath(); // decoded, as gin's are
        String method = x.getRequestMethod();
        requests.add(method + " " + path + " auth=" + x.getRequestHeaders().getFirst("Authorization"));
        synchronized (this) {
            if (method.equals("GET") && path.equals("/running")) {
                JsonReply.send(x, 200, runningList().toString());
            } else if (method.equals("GET") && path.equals("/api/metrics") && activityLog) {
                JsonReply.send(x, 200, activity.toString());
            } else if (path.startsWith("/upstream/")) {
                String rest = path.substring("/upstream/".length());
                String model = running.keySet().stream().filter(m -> rest.startsWith(m + "/")).findFirst()
                        .orElse(null);
                if (model == null) {
                    text(x, 400, "model id required in path");
                    return;
                }
                start(model);
                String upstreamPath = rest.substring(model.length());
                if (upstreamPath.equals("/health")) {
                    healthChecks.add(model);
                }
                if (upstreamPath.equals("/health") && !withoutHealth.contains(model)) {
                    JsonReply.send(x, 200, "{\"status\":\"ok\"}");
                } else {
                    text(x, 404, "File Not Found");
                }
            } else if (method.equals("POST") && path.startsWith("/api/models/unload/")) {
                String model = path.substring("/api/models/unload/".length());
                if (!running.containsKey(model)) {
                    text(x, 404, "Model not found");
                    return;
                }
                running.put(model, false);
                text(x, 200, "OK");
            } else {
                text(x, 404, "404 page not found");
            }
        }
    }

    private JsonObject runningList() {
        JsonArray list = new JsonArray();
        running.forEach((m, on) -> {
            if (on) {
                JsonObject p = new JsonObject();
                p.addProperty("model", m);
                p.addProperty("state", "ready");
                p.addProperty("cmd", "llama-server --port 9001 -m /models/" + m + ".gguf");
                p.addProperty("proxy", "http://127.0.0.1:9001");
                p.addProperty("ttl", ttls.getOrDefault(m, 0));
                p.addProperty("name", "");
                p.addProperty("description", "");
                list.add(p);
            }
        });
        JsonObject r = new JsonObject();
        r.add("running", list);
        return r;
    }

    private static void text(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
