package dev.warmup.server.backend.fake;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.warmup.server.MutableClock;
import dev.warmup.server.config.GoDuration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 speaking the part of Ollama's API the backend uses: {@code POST /api/generate}
 * without a prompt loads a model ({@code keep_alive: 0} unloads it) and answers {@code done_reason: "load"} with no
 * durations, {@code GET /api/ps} lists what is loaded or loading with its size. Tests hold a load open with
 * {@link #gate}, fail calls with {@link #failNext}, and read what was asked in {@link #requests}. Sizes are in bytes
 * as Ollama reports them. As Ollama, it lists a model loaded without a tag under the tag {@code latest}
 * ({@code coder:latest}); the methods below take either form.
 */
public final class FakeOllamaServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Long> loaded = new ConcurrentHashMap<>();
    private final Map<String, Long> sizes = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> unloads = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> loadings = new ConcurrentHashMap<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final Map<String, Long> inFlight = new ConcurrentHashMap<>();
    private final Map<String, JsonElement> loadingKeepAlive = new ConcurrentHashMap<>(); // JsonNull: none asked
    private final java.util.Set<String> leaving = ConcurrentHashMap.newKeySet(); // asked to unload, not yet unloaded
    private final java.util.Set<String> answering = ConcurrentHashMap.newKeySet(); // others' requests in flight
    private final Map<String, String> expiries = new ConcurrentHashMap<>();
    private final Tally answeredLoads = new Tally(); // by model
    private final Tally arrived = new Tally(); // by kind and model
    private long peakBytes;
    private int peakModels;
    private volatile int failStatus = 500;
    private volatile Clock keepAliveClock; // null: expiries only as set by expires()
    private volatile MutableClock loadClock; // null: loads take no time
    private volatile Duration loadTime = Duration.ZERO;
    private volatile String psAnswer; // null: what is loaded
    private volatile CompletableFuture<Void> psHeld = CompletableFuture.completedFuture(null);
    private volatile CompletableFuture<Void> unloadsHeld = CompletableFuture.completedFuture(null);
    /**
     * Embedding models: {@code /api/generate} refuses to load them, 400 "does not support generate", as Ollama does
     * (its capability check comes before the load); {@code /api/embed} without input loads one.
     */
    public final java.util.Set<String> embeddingOnly = ConcurrentHashMap.newKeySet();
    /** Every request as {@code METHOD PATH BODY}. */
    public final List<String> requests = new CopyOnWriteArrayList<>();

    public FakeOllamaServer() throws IOException {
        this(0);
    }

    /** Ollama started on {@code port} (0: any free one), e.g. one a backend was told of before it ran. */
    public FakeOllamaServer(int port) throws IOException {
        server = LoopbackHttp.start(Map.of("/api/generate", this::generate, "/api/ps", this::ps, "/api/embed",
                this::embed), port);
    }

    /** A loopback port nothing listens on now: where a model server not yet started will be. */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How Ollama lists a model: with its tag, {@code latest} if it was named without one (names ignore case). */
    static String listed(String model) {
        String m = model.toLowerCase(java.util.Locale.ROOT);
        return m.lastIndexOf(':') > m.lastIndexOf('/') ? m : m + ":latest";
    }

    /** The size Ollama will report for a model once loaded. */
    public FakeOllamaServer size(String model, long bytes) {
        sizes.put(listed(model), bytes);
        return this;
    }

    /** Holds loads of {@code model} until the returned future is completed. */
    public CompletableFuture<Void> gate(String model) {
        return gates.computeIfAbsent(listed(model), m -> new CompletableFuture<>());
    }

    /** Completes when a load of {@code model} has begun (it is then listed, as loading, in /api/ps). */
    public CompletableFuture<Void> loading(String model) {
        return loadings.computeIfAbsent(listed(model), m -> new CompletableFuture<>());
    }

    /** The next {@code n} calls answer HTTP {@code status}. */
    public void failNext(int n, int status) {
        failStatus = status;
        failures.set(n);
    }

    /** Makes /api/ps report that {@code model} expires at {@code instant} (ISO-8601), as Ollama's keep-alive does. */
    public void expires(String model, String instant) {
        expiries.put(listed(model), instant);
    }

    /**
     * From now on a load sets the model's expiry to {@code clock}'s now plus the request's {@code keep_alive} (a
     * duration string, or seconds), Ollama's default of 5 minutes without one, as Ollama does; a model loaded
     * elsewhere ({@link #loadedElsewhere}) gets the default.
     */
    public FakeOllamaServer keepAliveOn(Clock clock) {
        keepAliveClock = clock;
        return this;
    }

    /**
     * From now on each load moves {@code clock} on by {@code time} before it completes: a load takes time, which
     * the backend measures, as Ollama's answer to a load does not say how long it took.
     */
    public FakeOllamaServer loadsTake(MutableClock clock, Duration time) {
        loadTime = time;
        loadClock = clock;
        return this;
    }

    private void keepAlive(String model, JsonElement asked) {
        Clock clock = keepAliveClock;
        if (clock == null) {
            expiries.remove(model); // the request's keep_alive starts afresh
            return;
        }
        expiries.put(model, clock.instant().plus(duration(asked)).toString());
    }

    /** A request's {@code keep_alive} (a duration string, or seconds); Ollama's default of 5 minutes without one. */
    private static Duration duration(JsonElement asked) {
        return asked == null || asked.isJsonNull() ? Duration.ofMinutes(5) : asked.getAsJsonPrimitive().isNumber()
                ? Duration.ofSeconds(asked.getAsLong()) : GoDuration.parse(asked.getAsString()).orElseThrow();
    }

    /**
     * From now on /api/ps answers only once the returned future completes (what is loaded then): a model server
     * slower to list its models than the scheduler waits.
     */
    public CompletableFuture<Void> holdPs() {
        psHeld = new CompletableFuture<>();
        return psHeld;
    }

    /** From now on /api/ps answers {@code body} as it is (null: what is loaded, as Ollama does). */
    public void psAnswers(String body) {
        psAnswer = body;
    }

    /** Completes when {@code n} load requests (not unloads) for {@code model} have been answered. */
    public CompletableFuture<Integer> loads(String model, int n) {
        return answeredLoads.atLeast(listed(model), n);
    }

    /**
     * Completes when {@code n} requests of a {@code kind} ({@code load}, {@code unload}: {@code /api/generate} without
     * or with {@code keep_alive: 0}; {@code embed}) for {@code model} have arrived, answered or not.
     */
    public CompletableFuture<Integer> asked(String kind, String model, int n) {
        return arrived.atLeast(kind + " " + listed(model), n);
    }

    private void loadAnswered(String model) {
        answeredLoads.add(model);
    }

    /** Loads a model as another tool would (it shows in /api/ps). */
    public void loadedElsewhere(String model, long bytes) {
        loaded.put(listed(model), bytes);
        if (keepAliveClock != null) {
            keepAlive(listed(model), null);
        }
    }

    /**
     * Unloads a model without any client's request, as Ollama does to make room for another model (or as a person
     * does with {@code ollama stop}).
     */
    public void evict(String model) {
        loaded.remove(listed(model));
    }

    /**
     * From now on an unload is answered at once but done only when the returned future completes: until then the
     * model stays listed, expiring at the moment it was asked to unload, as Ollama lists a model it was asked to
     * unload while a request is still being answered with it.
     */
    public CompletableFuture<Void> holdUnloads() {
        unloadsHeld = new CompletableFuture<>();
        return unloadsHeld;
    }

    /** Completes when the server has unloaded {@code model} at a client's request. */
    public CompletableFuture<Void> unloaded(String model) {
        return unloads.computeIfAbsent(listed(model), m -> new CompletableFuture<>());
    }

    public boolean isLoaded(String model) {
        return loaded.containsKey(listed(model));
    }

    /** The most memory ever held at once by loaded models and loads in progress. */
    public synchronized long peakBytes() {
        return peakBytes;
    }

    /** The most models ever loaded or loading at once. */
    public synchronized int peakModels() {
        return peakModels;
    }

    private synchronized void account() {
        Map<String, Long> held = new HashMap<>(loaded);
        held.putAll(inFlight);
        peakBytes = Math.max(peakBytes, held.values().stream().mapToLong(Long::longValue).sum());
        peakModels = Math.max(peakModels, held.size());
    }

    /** A request to a model's endpoint: its body, the model as asked for and as listed. */
    private record Asked(JsonObject req, String asked, String model) {}

    /** Reads the request to {@code path}, and records it in {@link #requests}. */
    private Asked read(HttpExchange x, String path) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(x.getRequestMethod() + " " + path + " " + body);
        JsonObject req = JsonParser.parseString(body).getAsJsonObject();
        String asked = req.get("model").getAsString();
        return new Asked(req, asked, listed(asked));
    }

    private void generate(HttpExchange x) throws IOException {
        Asked a = read(x, "/api/generate");
        JsonObject req = a.req();
        String asked = a.asked();
        String model = a.model();
        boolean unload = req.has("keep_alive") && req.get("keep_alive").isJsonPrimitive()
                && req.get("keep_alive").getAsJsonPrimitive().isNumber() && req.get("keep_alive").getAsInt() == 0;
        arrived.add((unload ? "unload " : "load ") + model);
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            JsonReply.send(x, failStatus, "{\"error\": \"injected failure\"}");
            return;
        }
        if (!unload && embeddingOnly.contains(model)) {
            JsonReply.send(x, 400, "{\"error\": \"\\\"" + asked + "\\\" does not support generate\"}");
            return;
        }
        JsonObject r = new JsonObject();
        r.addProperty("model", asked);
        r.addProperty("response", "");
        r.addProperty("done", true);
        if (unload) {
            Clock clock = keepAliveClock;
            expiries.put(model, (clock == null ? Instant.now() : clock.instant()).toString()); // expiring now
            leaving.add(model);
            unloadsHeld.thenRun(() -> {
                loaded.remove(model);
                leaving.remove(model);
                unloaded(model).complete(null);
            });
            r.addProperty("done_reason", "unload");
        } else {
            load(model, req);
            r.addProperty("done_reason", "load"); // and no durations: Ollama's answer to a load says only this
        }
        JsonReply.send(x, 200, r.toString());
        if (!unload) {
            loadAnswered(model);
        }
    }

    private void load(String model, JsonObject req) {
        long size = sizes.getOrDefault(model, 1L << 30);
        inFlight.put(model, size);
        loadingKeepAlive.put(model, req.has("keep_alive") ? req.get("keep_alive") : JsonNull.INSTANCE);
        account();
        loading(model).complete(null);
        CompletableFuture<Void> gate = gates.get(model);
        if (gate != null) {
            gate.join();
        }
        MutableClock clock = loadClock;
        if (clock != null && !loaded.containsKey(model)) {
            clock.advance(loadTime);
        }
        loaded.put(model, size);
        inFlight.remove(model);
        loadingKeepAlive.remove(model);
        account();
        if (!answering.contains(model)) { // else the expiry is set when the last request in flight ends
            keepAlive(model, req.get("keep_alive"));
        }
    }

    /** {@code POST /api/embed}: loads the model (any model), and without input answers no embeddings. */
    private void embed(HttpExchange x) throws IOException {
        Asked a = read(x, "/api/embed");
        arrived.add("embed " + a.model());
        load(a.model(), a.req());
        JsonReply.send(x, 200, "{\"model\": \"" + a.asked() + "\", \"embeddings\": []}");
        loadAnswered(a.model());
    }

    private void ps(HttpExchange x) throws IOException {
        requests.add("GET /api/ps");
        psHeld.join();
        if (psAnswer != null) {
            JsonReply.send(x, 200, psAnswer);
            return;
        }
        expire();
        JsonArray models = new JsonArray();
        Map<String, Long> listed = new java.util.TreeMap<>(inFlight); // as Ollama, models still loading too
        listed.putAll(loaded);
        listed.forEach((name, size) -> {
            JsonObject m = new JsonObject();
            m.addProperty("name", name);
            m.addProperty("model", name);
            m.addProperty("size", size);
            m.addProperty("size_vram", size);
            m.addProperty("expires_at", expiry(name));
            models.add(m);
        });
        JsonObject r = new JsonObject();
        r.add("models", models);
        JsonReply.send(x, 200, r.toString());
    }

    /**
     * With {@link #keepAliveOn}, Ollama's timers: a loaded model whose keep-alive has run out is unloaded, unless a
     * request is being answered with it ({@link #answering}; an unload waits for it too: {@link #holdUnloads}).
     */
    private void expire() {
        Clock clock = keepAliveClock;
        if (clock == null) {
            return;
        }
        loaded.keySet().removeIf(m -> !leaving.contains(m) && !answering.contains(m) && expiries.containsKey(m)
                && Instant.parse(expiries.get(m)).isBefore(clock.instant()));
    }

    /**
     * Another program's request is being answered with the loaded {@code model} until the returned future completes:
     * as in Ollama, its keep-alive timer stops meanwhile (the expiry it lists stays as it was, even once passed),
     * and at the end the expiry is set to Ollama's default 5 minutes from then ({@link #keepAliveOn}'s clock).
     */
    public CompletableFuture<Void> answering(String model) {
        String m = listed(model);
        answering.add(m);
        CompletableFuture<Void> end = new CompletableFuture<>();
        end.thenRun(() -> {
            keepAlive(m, null);
            answering.remove(m);
        });
        return end;
    }

    /**
     * When /api/ps says {@code model} expires: Ollama sets a model's expiry when a request for it ends, so while it
     * is first loading it lists it as expiring the loading request's keep-alive from now, a time that moves on.
     */
    private String expiry(String model) {
        Clock clock = keepAliveClock;
        JsonElement asked = loadingKeepAlive.get(model);
        if (asked != null && clock != null && !loaded.containsKey(model)) {
            return clock.instant().plus(duration(asked)).toString();
        }
        return expiries.getOrDefault(model, "2030-01-01T00:00:00Z");
    }

    @Override
    public void close() {
        gates.values().forEach(g -> g.complete(null));
        psHeld.complete(null);
        unloadsHeld.complete(null);
        server.stop(0);
    }
}
