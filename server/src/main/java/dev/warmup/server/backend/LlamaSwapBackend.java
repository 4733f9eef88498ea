package dev.warmup.server.backend;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * llama-swap, the proxy that starts one upstream server (llama-server, vLLM…) per model on demand. Read from its
 * source ({@code proxy/proxymanager.go}, {@code proxymanager_api.go}): {@code GET /running} lists the models whose
 * upstream is running, as {@code {"running": [{"model", "state", "ttl", …}]}}; any request through
 * {@code /upstream/MODEL/…} starts that model's upstream, waits until its health check passes, and forwards the
 * request, so a load is {@code GET /upstream/MODEL/health} (the upstream's own health endpoint: no tokens generated,
 * and it renews llama-swap's {@code ttl}, which counts from the model's last request); an unload is
 * {@code POST /api/models/unload/MODEL}. The API key, if llama-swap asks for one, comes from the environment variable
 * the backend names ({@code apiKeyEnv}). Model ids are llama-swap's own (its configuration's keys, not aliases).
 * A model with a {@code ttl} is reported to expire that long after this backend last started or renewed it (an
 * estimate on the early side, since other programs' requests renew it too), so that the scheduler renews a model its
 * plan keeps before llama-swap stops it, as it does Ollama's keep-alive. Its activity log ({@code GET /api/metrics}:
 * the latest requests it served, each with an {@code id} that grows and its {@code model}) tells each model's newest
 * request, read at most every {@value #REQUESTS_EVERY_MILLIS} ms (the log holds up to a thousand entries), so that a
 * request of a program that does not report to us is seen even when its model was already running; a llama-swap
 * without the log (404) is asked again only every {@value #NO_LOG_RECHECK_MILLIS} ms (it may have been upgraded).
 *
 * <p>llama-swap runs together only the models its configuration allows (by default one at a time; a {@code matrix}
 * set, or a legacy group with {@code swap: false}, lets several run), and starting a model stops those it may not
 * run beside; the predictor would then reload them and llama-swap stop them again. A load that stops a model which
 * was running says so once per pair (WMP-8013), naming the fix.
 */
public final class LlamaSwapBackend implements ModelBackend {
    private static final Logger LOG = Logger.getLogger(LlamaSwapBackend.class.getName());

    private final BackendSpec spec;
    private final HttpJson http;
    private final Clock clock;
    private final StoppedToStart stoppedToStart;
    private final Map<String, Long> touched = new ConcurrentHashMap<>(); // model -> when our last request to it ended
    static final long REQUESTS_EVERY_MILLIS = 5_000;
    /** A llama-swap that answered 404 for its activity log is asked again only after this (it may be upgraded). */
    static final long NO_LOG_RECHECK_MILLIS = 600_000;
    private volatile long noActivityLogUntil = Long.MIN_VALUE;
    private volatile boolean noActivityLogSaid;
    private volatile boolean requestsRead;
    private volatile long requestsReadAt;
    private volatile CompletableFuture<Optional<Map<String, Long>>> newestRequests =
            CompletableFuture.completedFuture(Optional.empty());

    public LlamaSwapBackend(BackendSpec spec, HttpClient client, Clock clock, Map<String, String> env) {
        this.spec = spec;
        this.clock = clock;
        this.http = HttpJson.forBackend(spec, client, clock, env);
        this.stoppedToStart = new StoppedToStart("llama-swap at " + spec.url());
    }

    @Override public String name() { return spec.name(); }
    @Override public String type() { return BackendSpec.LLAMASWAP; }
    @Override public boolean canUnload() { return true; }

    @Override
    public CompletableFuture<LoadResult> load(ModelSpec model, Duration timeout) {
        long started = clock.millis();
        return running(timeout).thenCompose(before -> http.get("upstream/" + path(model.id()) + "/health", timeout)
                .handle((r, e) -> e == null ? CompletableFuture.<Void>completedFuture(null) : upstreamAnswered(e))
                .thenCompose(f -> f)
                .thenCompose(x -> running(timeout))
                .thenApply(after -> {
                    if (!after.containsKey(model.id())) {
                        throw new WarmupException(ErrorCode.WMP_8004, "llama-swap does not list " + model.id()
                                + " as running after starting it (GET /running); is it a model id of its"
                                + " configuration, not an alias?");
                    }
                    touched.put(model.id(), clock.millis());
                    stoppedToStart.check(model.id(), before.keySet(), after.keySet(),
                            "its configuration does not let them run together", "list the models warm-up manages in"
                                    + " one matrix set, or a group with swap: false, so that warm-up alone decides"
                                    + " what stays loaded");
                    return new LoadResult(model.id(), before.containsKey(model.id()) ? -1 // running: none timed
                            : clock.millis() - started, -1);
                }));
    }

    /**
     * The health request failed: when the upstream itself answered (it has no {@code /health}: HTTP 404 through the
     * proxy), llama-swap started it all the same, which {@code /running} tells; anything else fails the load.
     */
    private static CompletableFuture<Void> upstreamAnswered(Throwable e) {
        if (HttpJson.answered(e, 404)) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.failedFuture(WarmupException.unwrap(e));
    }

    @Override
    public CompletableFuture<Void> unload(ModelSpec model) {
        return http.post("api/models/unload/" + path(model.id()), new JsonObject(),
                Duration.ofSeconds(spec.timeoutSeconds())).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<List<LoadedModel>> loaded() {
        Duration timeout = Duration.ofSeconds(spec.timeoutSeconds());
        return running(timeout).thenCombine(newestRequests(timeout), (models, newest) -> {
            touched.keySet().retainAll(models.keySet()); // stopped since: its next start is not ours
            return models.entrySet().stream().map(e -> {
                Long last = touched.get(e.getKey());
                long expires = e.getValue() > 0 && last != null ? last + e.getValue() * 1000L : -1;
                long mark = newest.map(n -> n.getOrDefault(e.getKey(), -1L) + 1).orElse(-1L); // ids start at 0
                return new LoadedModel(e.getKey(), -1, expires, mark);
            }).toList();
        });
    }

    /**
     * Each model's newest request id in llama-swap's activity log, read afresh at most every few seconds; empty when
     * the log could not be read.
     */
    private CompletableFuture<Optional<Map<String, Long>>> newestRequests(Duration timeout) {
        long now = clock.millis();
        if (now < noActivityLogUntil || requestsRead && now - requestsReadAt < REQUESTS_EVERY_MILLIS) {
            return newestRequests;
        }
        requestsRead = true;
        requestsReadAt = now;
        CompletableFuture<Optional<Map<String, Long>>> read = http.get("api/metrics", timeout).handle((r, e) -> {
            if (e == null) {
                return Optional.of(parseNewest(r));
            }
            if (HttpJson.answered(e, 404)) { // an older llama-swap
                noActivityLogUntil = now + NO_LOG_RECHECK_MILLIS;
                if (!noActivityLogSaid) {
                    noActivityLogSaid = true;
                    LOG.info("llama-swap at " + spec.url() + " has no activity log (GET /api/metrics: 404): requests"
                            + " to models already running are not seen");
                }
            }
            return Optional.<Map<String, Long>>empty();
        });
        newestRequests = read;
        return read;
    }

    static Map<String, Long> parseNewest(JsonElement r) {
        Map<String, Long> out = new HashMap<>();
        if (r == null || !r.isJsonArray()) {
            return out;
        }
        for (JsonElement e : r.getAsJsonArray()) {
            try {
                JsonObject m = e.getAsJsonObject();
                out.merge(m.get("model").getAsString(), m.get("id").getAsLong(), Math::max);
            } catch (RuntimeException notAnEntry) { // another shape of log entry: skipped, not the whole reading
                LOG.fine("llama-swap activity log entry skipped: " + WarmupException.quote(e));
            }
        }
        return out;
    }

    /** The models whose upstream is running and ready, with their {@code ttl} in seconds (0: none). */
    private CompletableFuture<Map<String, Integer>> running(Duration timeout) {
        return http.get("running", timeout, LlamaSwapBackend::parseRunning);
    }

    static Map<String, Integer> parseRunning(JsonElement r) {
        if (r == null || !r.isJsonObject() || !r.getAsJsonObject().has("running")
                || !r.getAsJsonObject().get("running").isJsonArray()) {
            throw new WarmupException(ErrorCode.WMP_8004, "GET /running: no running list in "
                    + WarmupException.quote(r) + " (is this llama-swap?)");
        }
        Map<String, Integer> out = new HashMap<>();
        for (JsonElement e : r.getAsJsonObject().getAsJsonArray("running")) {
            JsonObject m = e.getAsJsonObject();
            String state = m.has("state") && m.get("state").isJsonPrimitive() ? m.get("state").getAsString() : "ready";
            if (state.equals("ready")) { // not starting, stopping, or sleeping (memory released)
                int ttl = m.has("ttl") && m.get("ttl").isJsonPrimitive() ? m.get("ttl").getAsInt() : 0;
                out.put(m.get("model").getAsString(), ttl);
            }
        }
        return Map.copyOf(out);
    }

    /** A model id as a path: each segment escaped, the slashes of ids such as {@code author/model} kept. */
    static String path(String id) {
        List<String> parts = new ArrayList<>();
        for (String segment : id.split("/", -1)) {
            parts.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return String.join("/", parts);
    }

    @Override
    public void close() {
        // the HttpClient is shared by the registry
    }
}
