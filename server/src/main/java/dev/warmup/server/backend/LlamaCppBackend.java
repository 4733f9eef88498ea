package dev.warmup.server.backend;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * llama.cpp's {@code llama-server}. In router mode (the default; started without a model): {@code POST /models/load}
 * and {@code POST /models/unload} with {@code {"model": ID}}, and {@code GET /models}, whose entries carry the model's
 * {@code id}, its {@code aliases} and {@code status.value}: {@code unloaded}, {@code loading}, {@code loaded} or
 * {@code sleeping} (started with {@code --sleep-idle-seconds}: the weights freed, the process kept, woken by the next
 * inference request). A load is complete when the model shows as loaded. The router refuses to load a model that is
 * already loading, loaded or sleeping (HTTP 400), so a load first looks: it waits for one loading, wakes one sleeping
 * with a completion request for no tokens, and asks for a load only of one that is not running. An unload of a
 * model that is no longer running has nothing left to do. A router runs at most {@code --models-max} models and
 * stops the least recently used to start another; a load or wake of ours that did so is said once per pair
 * (WMP-8013). A catalogue may name a model by an alias; the list names it by its id, which {@link #canonicalName} maps
 * back. A single-model server (backend option {@code "mode": "single"}) cannot load or unload: warming it means
 * {@code GET /health} and the same completion request to fill its cache. A server started with {@code --api-key}
 * wants it on every request but {@code /health} ({@code /models} too): it comes from the environment variable the
 * backend names ({@code apiKeyEnv}), never from settings.
 * Verified against llama-server's source ({@code tools/server/server-models.cpp} and {@code server-models.h}: the
 * routes, their errors and the states) and against a running one, Debian's build 11669 ({@code LlamaServerIT}).
 */
public final class LlamaCppBackend implements ModelBackend {
    static final long POLL_MILLIS = 250;
    /** The states in which the router refuses a load: the model's instance is running. */
    private static final Set<String> RUNNING = Set.of("loading", "loaded", "sleeping");
    private final BackendSpec spec;
    private final HttpJson http;
    private final Clock clock;
    private final boolean single;
    /** Alias to model id, as the latest {@code GET /models} gave them. */
    private volatile Map<String, String> aliases = Map.of();
    private final StoppedToStart stoppedToStart;

    public LlamaCppBackend(BackendSpec spec, HttpClient client, Clock clock, Map<String, String> env) {
        this.spec = spec;
        this.clock = clock;
        this.single = spec.options() != null && spec.options().has("mode")
                && "single".equals(spec.options().get("mode").getAsString());
        this.http = HttpJson.forBackend(spec, client, clock, env); // the --api-key, from the variable apiKeyEnv names
        this.stoppedToStart = new StoppedToStart("llama-server at " + spec.url());
    }

    @Override public String name() { return spec.name(); }
    @Override public String type() { return BackendSpec.LLAMACPP; }
    @Override public boolean canUnload() { return !single; }

    @Override
    public String canonicalName(String name) {
        return aliases.getOrDefault(name, name);
    }

    @Override
    public CompletableFuture<LoadResult> load(ModelSpec model, Duration timeout) {
        long started = clock.millis();
        CompletableFuture<Boolean> ready = single
                ? http.get("health", timeout).thenCompose(h -> http.post("completion", warming(null), timeout))
                        .thenApply(r -> false) // loaded all along: a warmed cache, no load to time
                : ready(model.id(), timeout, started + timeout.toMillis(), true);
        return ready.thenApply(timed -> new LoadResult(model.id(), timed ? clock.millis() - started : -1, -1));
    }

    /**
     * A completion request that evaluates a one-word prompt and asks for no tokens ({@code n_predict: 0}; llama-server
     * still samples one, as {@code LlamaServerIT}'s server showed): it warms, or wakes, the model.
     */
    private static JsonObject warming(String model) {
        JsonObject warm = new JsonObject();
        if (model != null) {
            warm.addProperty("model", model);
        }
        warm.addProperty("prompt", "hi");
        warm.addProperty("n_predict", 0);
        return warm;
    }

    /**
     * Makes {@code id} loaded by what the router says of it now; {@code mayLoad} false once a load request was refused
     * (another client's load came between our look and our request), so that the refusal ends it then. Completes
     * with whether the time it took was a whole load of ours (a load or a wake), not a wait for another's or nothing.
     */
    private CompletableFuture<Boolean> ready(String id, Duration timeout, long deadline, boolean mayLoad) {
        return status().thenCompose(models -> switch (state(models, id)) {
            case "loaded" -> CompletableFuture.completedFuture(false);
            case "loading" -> awaitLoaded(id, deadline).thenApply(after -> false);
            case "sleeping" -> http.post("completion", warming(id), timeout)
                    .thenCompose(r -> awaitLoaded(id, deadline)).thenApply(after -> started(id, models, after));
            default -> {
                JsonObject body = new JsonObject();
                body.addProperty("model", id);
                CompletableFuture<Boolean> load = http.post("models/load", body, timeout)
                        .thenCompose(r -> awaitLoaded(id, deadline)).thenApply(after -> started(id, models, after));
                yield !mayLoad ? load : load.exceptionallyCompose(refused -> lookAgain(id, refused,
                        RUNNING::contains, () -> ready(id, timeout, deadline, false)));
            }
        });
    }

    /**
     * Our load or wake of {@code id} is done: the models running {@code before} it that are not running {@code after}
     * were stopped to make room ({@code --models-max}), which is said (WMP-8013). True: a whole load of ours, timed.
     */
    private boolean started(String id, List<Listed> before, List<Listed> after) {
        stoppedToStart.check(canonicalName(id), running(before), running(after),
                "at most --models-max models run at once, 4 unless the router is started with another number",
                "start the router with --models-max at least warm-up's maxWarmModels (0: no limit), so that"
                        + " warm-up alone decides what stays loaded");
        return true;
    }

    private static List<String> running(List<Listed> models) {
        return models.stream().filter(m -> RUNNING.contains(m.state())).map(Listed::id).toList();
    }

    /** Completes with the router's list once it shows {@code id} loaded. */
    private CompletableFuture<List<Listed>> awaitLoaded(String id, long deadline) {
        return status().thenCompose(models -> {
            String state = state(models, id);
            if (state.equals("loaded")) {
                return CompletableFuture.completedFuture(models);
            }
            if (!state.equals("loading") || clock.millis() >= deadline) {
                return CompletableFuture.failedFuture(new WarmupException(ErrorCode.WMP_8004,
                        "llama-server reports " + id + " as " + state));
            }
            return CompletableFuture.supplyAsync(() -> null,
                    CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS))
                    .thenCompose(x -> awaitLoaded(id, deadline));
        });
    }

    /** A model as {@code GET /models} lists it; {@code state} says how an instance that could not start ended. */
    private record Listed(String id, List<String> aliases, String state) {}

    /** {@code name}'s state (by its id or an alias), {@code absent} when the router does not know it. */
    private static String state(List<Listed> models, String name) {
        return models.stream().filter(m -> m.id().equals(name) || m.aliases().contains(name)).map(Listed::state)
                .findFirst().orElse("absent");
    }

    /** Every model the router knows; remembers their aliases. */
    private CompletableFuture<List<Listed>> status() {
        return http.get("models", Duration.ofSeconds(spec.timeoutSeconds()), r -> {
            if (r == null || !r.isJsonObject() || !r.getAsJsonObject().has("data")) {
                throw new WarmupException(ErrorCode.WMP_8004, "GET /models: no data list in "
                        + WarmupException.quote(r));
            }
            List<Listed> out = new ArrayList<>();
            Map<String, String> names = new HashMap<>();
            for (JsonElement e : r.getAsJsonObject().getAsJsonArray("data")) {
                JsonObject m = e.getAsJsonObject();
                String id = m.get("id").getAsString();
                String state = "loaded";
                if (m.has("status") && m.get("status").isJsonObject()) {
                    JsonObject st = m.getAsJsonObject("status");
                    state = st.get("value").getAsString();
                    if (st.has("failed") && st.get("failed").getAsBoolean()) { // its instance could not start
                        state += ", having failed to start" + (st.has("exit_code")
                                ? " (exit code " + st.get("exit_code").getAsString() + ")" : "");
                    }
                }
                List<String> aka = new ArrayList<>();
                if (m.has("aliases") && m.get("aliases").isJsonArray()) {
                    for (JsonElement a : m.getAsJsonArray("aliases")) {
                        aka.add(a.getAsString());
                        names.put(a.getAsString(), id);
                    }
                }
                out.add(new Listed(id, aka, state));
            }
            aliases = Map.copyOf(names);
            return out;
        });
    }

    @Override
    public CompletableFuture<Void> unload(ModelSpec model) {
        if (single) {
            return CompletableFuture.completedFuture(null);
        }
        JsonObject body = new JsonObject();
        body.addProperty("model", model.id());
        return http.post("models/unload", body, Duration.ofSeconds(spec.timeoutSeconds())).thenApply(r -> (Void) null)
                .exceptionallyCompose(refused -> lookAgain(model.id(), refused, // "model is not running": done already
                        state -> state.startsWith("unloaded"), () -> CompletableFuture.completedFuture(null)));
    }

    /**
     * After a request about {@code id} was {@code refused}: {@code then} when what the router says of the model now
     * {@code explains} the refusal; otherwise the refusal stands.
     */
    private <T> CompletableFuture<T> lookAgain(String id, Throwable refused, Predicate<String> explains,
                                               Supplier<CompletableFuture<T>> then) {
        return status().handle((now, e) -> now != null && explains.test(state(now, id)) ? then.get()
                : CompletableFuture.<T>failedFuture(WarmupException.unwrap(refused))).thenCompose(f -> f);
    }

    @Override
    public CompletableFuture<List<LoadedModel>> loaded() {
        if (single) {
            return http.get("v1/models", Duration.ofSeconds(spec.timeoutSeconds()),
                    OpenAiCompatibleBackend::parseModels);
        }
        return status().thenApply(models -> models.stream().filter(m -> m.state().equals("loaded"))
                .map(m -> new LoadedModel(m.id(), -1, -1)).toList());
    }

    @Override
    public void close() {
        // the HttpClient is shared by the registry
    }
}
