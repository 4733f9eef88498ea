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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 speaking llama-server's router endpoints as its source
 * ({@code tools/server/server-models.cpp}) answers them: {@code GET /models} with {@code id}, {@code aliases} and
 * {@code status.value} ({@code unloaded}, {@code loading}, {@code loaded}, {@code sleeping}; {@code failed} and
 * {@code exit_code} for an instance that could not start); {@code POST /models/load}, 404 for a name it does not know
 * and 400 "model is already running" for one loading, loaded or sleeping; {@code POST /models/unload}, 400 "model is
 * not running" for one that is not; both take an alias for its model. {@code POST /completion} with a {@code model}
 * wakes a sleeping model (any inference request does); with {@link #apiKey} set, every route but the health check
 * wants the key, {@code /models} too (as Debian's llama-server 0.7.0, build 11669, does: {@code LlamaServerIT}).
 * And the OpenAI-compatible endpoints ({@code GET /v1/models}, {@code POST /v1/chat/completions},
 * {@code POST /v1/completions}). A load first shows the model as {@code loading} for {@link #loadingPolls} polls of
 * {@code /models}, then {@code loaded}. With {@link #exitsSlowly}, an unloaded model stays listed {@code loaded} until
 * {@link #exited}, as the real router lists it until the model's process has exited (for up to 53 ms after answering
 * the unload, with {@code LlamaServerIT}'s tiny model).
 */
public final class FakeLlamaServer implements AutoCloseable {
    private static final Set<String> PUBLIC = Set.of("/health", "/v1/health"); // as a real one (LlamaServerIT)
    private final HttpServer server;
    private final Map<String, Integer> pollsLeft = new ConcurrentHashMap<>();
    private final Map<String, String> state = new ConcurrentHashMap<>();
    /** Further names of a model (llama-server's {@code --alias} in a preset), by the model's own name. */
    public final Map<String, List<String>> aliases = new ConcurrentHashMap<>();
    /** Models whose instance exits at start with this code, as a model too large for the machine's memory does. */
    public final Map<String, Integer> failsToStart = new ConcurrentHashMap<>();
    /** Polls of /models during which a loading model still shows as loading. */
    public volatile int loadingPolls = 2;
    /** Models without a chat template: a chat with one is refused as vLLM does (400), a plain completion is not. */
    public final Set<String> noChatTemplate = ConcurrentHashMap.newKeySet();
    /**
     * Runs when a load request arrives, before it is answered: another client's load that got there first, or a clock
     * moved on by the time a load takes.
     */
    public volatile Runnable beforeLoad = () -> { };
    /** Runs when a completion request arrives, before it is answered (the time a sleeping model takes to wake). */
    public volatile Runnable beforeCompletion = () -> { };
    /**
     * The key of {@code --api-key}: when set, every request but to {@code /health}, {@code /v1/health},
     * {@code /models} and {@code /v1/models} needs it as a bearer token, or is answered 401, as llama-server does.
     */
    public volatile String apiKey;
    /** Every request as {@code METHOD PATH BODY}, and the Authorization header when there was one. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** How many of the next requests it answers 503, as a server still starting would. */
    public final java.util.concurrent.atomic.AtomicInteger downFor = new java.util.concurrent.atomic.AtomicInteger();
    /** Whether an unloaded model stays listed as {@code loaded} until {@link #exited}. */
    public volatile boolean exitsSlowly;
    private final Set<String> exiting = ConcurrentHashMap.newKeySet();
    private final Tally arrived = new Tally(); // by METHOD PATH

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

    /** Sets a model's state as if llama-server had got there by itself (another client's load, an idle sleep). */
    public void put(String model, String value) {
        state.put(model, value);
    }

    /** Completes once {@code n} requests {@code METHOD PATH} (as {@code "POST /models/unload"}) have arrived. */
    public CompletableFuture<Integer> asked(String route, int n) {
        return arrived.atLeast(route, n);
    }

    /** The process of {@code model}, unloaded while {@link #exitsSlowly}, has exited: it is listed unloaded. */
    public void exited(String model) {
        if (exiting.remove(model)) {
            state.put(model, "unloaded");
        }
    }

    private String resolve(String name) {
        if (state.containsKey(name)) {
            return name;
        }
        return aliases.entrySet().stream().filter(e -> e.getValue().contains(name)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    private static boolean running(String s) {
        return s.equals("loading") || s.equals("loaded") || s.equals("sleeping");
    }

    private static void error(HttpExchange x, int code, String message, String type) throws IOException {
        JsonObject e = new JsonObject();
        e.addProperty("code", code);
        e.addProperty("message", message);
        e.addProperty("type", type);
        JsonObject r = new JsonObject();
        r.add("error", e);
        JsonReply.send(x, code, r.toString());
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String auth = x.getRequestHeaders().getFirst("Authorization");
        requests.add(x.getRequestMethod() + " " + path + " " + body + (auth == null ? "" : " auth=" + auth));
        arrived.add(x.getRequestMethod() + " " + path);
        if (downFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            error(x, 503, "Loading model", "unavailable_error");
            return;
        }
        if (apiKey != null && !PUBLIC.contains(path) && !("Bearer " + apiKey).equals(auth)) {
            error(x, 401, "Invalid API Key", "authentication_error");
            return;
        }
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
                    JsonArray names = new JsonArray();
                    aliases.getOrDefault(id, List.of()).forEach(names::add);
                    m.add("aliases", names);
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
                r.addProperty("object", "list");
                JsonReply.send(x, 200, r.toString());
            }
            case "/models/load" -> {
                beforeLoad.run();
                String id = resolve(JsonParser.parseString(body).getAsJsonObject().get("model").getAsString());
                if (id == null) {
                    error(x, 404, "model is not found", "not_found_error");
                } else if (running(state.get(id))) {
                    error(x, 400, "model is already running", "invalid_request_error");
                } else {
                    state.put(id, "loading");
                    pollsLeft.put(id, loadingPolls);
                    JsonReply.send(x, 200, "{\"success\": true}");
                }
            }
            case "/models/unload" -> {
                String id = resolve(JsonParser.parseString(body).getAsJsonObject().get("model").getAsString());
                if (id == null) {
                    error(x, 400, "model is not found", "invalid_request_error");
                } else if (!running(state.get(id)) || exiting.contains(id)) {
                    error(x, 400, "model is not running", "invalid_request_error");
                } else {
                    if (exitsSlowly) {
                        exiting.add(id);
                    } else {
                        state.put(id, "unloaded");
                    }
                    JsonReply.send(x, 200, "{\"success\": true}");
                }
            }
            case "/completion" -> {
                beforeCompletion.run();
                String id = resolve(JsonParser.parseString(body).getAsJsonObject().get("model").getAsString());
                if (id == null) {
                    error(x, 400, "model 'x' not found", "invalid_request_error");
                    return;
                }
                state.put(id, "loaded"); // autoload, or a sleeping instance woken by the request
                JsonReply.send(x, 200, "{\"content\": \"\", \"stop\": true}");
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
            case "/v1/completions" -> {
                String id = JsonParser.parseString(body).getAsJsonObject().get("model").getAsString();
                state.put(id, "loaded");
                JsonReply.send(x, 200, "{\"choices\": [{\"text\": \"o\"}]}");
            }
            case "/v1/chat/completions" -> {
                String id = JsonParser.parseString(body).getAsJsonObject().get("model").getAsString();
                if (noChatTemplate.contains(id)) {
                    error(x, 400, "As of transformers v4.44, default chat template is no longer allowed, so you must"
                            + " provide a chat template if the tokenizer does not define one.", "BadRequestError");
                    return;
                }
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
