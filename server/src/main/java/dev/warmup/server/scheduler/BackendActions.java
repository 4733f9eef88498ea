package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.backend.BackendRegistry;
import dev.warmup.server.backend.ModelBackend;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.performance.PerformancePredictor;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Carries out the {@link WarmupScheduler}'s decisions on the model servers: a load is abandoned past
 * {@code warmupTimeoutSeconds} (WMP-3001) and backed off after a failure (30 s, then 60 s; after three attempts
 * WMP-3002 and no retry until the settings change); an unload holds the model's memory until its server confirms, so
 * that no load starts into memory not yet given back; {@link #reconcile} makes our view match what each model
 * server really has loaded; and {@link #keepLoaded} renews a model server's own keep-alive (Ollama's: every request,
 * the editor's too, sets it, 5 minutes by default) for a model the plan keeps, so that the server's timer does not
 * drop what the prediction holds. Used on the scheduler's thread only; completions come back on it through
 * {@code executor}, then {@code afterChange} runs (the scheduler starts the next queued load).
 */
final class BackendActions {
    private static final Logger LOG = Logger.getLogger(BackendActions.class.getName());
    static final int MAX_ATTEMPTS = 3;

    private final ConfigurationManager config;
    private final BackendRegistry backends;
    private final ModelStates states;
    private final ModelWarmupMetrics metrics;
    private final PerformancePredictor performance;
    private final Ownership ownership;
    private final Clock clock;
    private final Executor executor;
    private final Runnable publish;
    private final Runnable afterChange;
    private final InferredUses inferred;
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    private final Set<String> unloading = new HashSet<>();
    /** A model server's keep-alive for a model: when it will drop it, as read at {@code readAt}. */
    private record KeepAlive(long expiresAt, long readAt) {}

    /**
     * A request seen at {@code seenAt}, made after the reading at {@code after}, not yet explained: a keep-alive that
     * moved or a newer request in the model server's record (the model was warm), or a model loaded by someone
     * ({@code cold}).
     */
    private record Moved(long after, long seenAt, boolean cold) {}

    private final Map<String, KeepAlive> keepAlives = new HashMap<>(); // as the model servers last said
    /** The newest request a model server recorded for a model ({@link ModelBackend.LoadedModel#newestRequest}). */
    private record NewestRequest(long id, long readAt) {}
    private final Map<String, NewestRequest> newestRequests = new HashMap<>();
    private final Map<String, Moved> moved = new HashMap<>();
    private final Map<String, Long> absentAt = new HashMap<>(); // when a reconciliation last found it not loaded
    /**
     * Loads of ours abandoned at the timeout, by when: the model server may still finish one (a large model from a
     * slow disk), and the model then appearing is our load, not someone's request.
     */
    private final Map<String, Long> lateLoads = new HashMap<>();
    static final long LATE_LOAD_MILLIS = 600_000;
    /** How long after seeing a keep-alive move a use reported to us still explains it. */
    static final long USE_REPORT_MILLIS = 60_000;
    private final Set<String> renewing = new HashSet<>();
    private int inFlight;

    BackendActions(ConfigurationManager config, BackendRegistry backends, ModelStates states,
                   ModelWarmupMetrics metrics, PerformancePredictor performance, Ownership ownership, Clock clock,
                   Executor executor, Runnable publish, Runnable afterChange, InferredUses inferred) {
        this.inferred = inferred;
        this.ownership = ownership;
        this.config = config;
        this.backends = backends;
        this.states = states;
        this.metrics = metrics;
        this.performance = performance;
        this.clock = clock;
        this.executor = executor;
        this.publish = publish;
        this.afterChange = afterChange;
    }

    /** Loads in flight. */
    int inFlight() {
        return inFlight;
    }

    /** Whether a model that failed to load is still waiting out its back-off at {@code now}. */
    boolean backingOff(String modelId, long now) {
        return retryAt.getOrDefault(modelId, Long.MIN_VALUE) > now;
    }

    /** Whether an unload has been asked for and not yet confirmed. */
    boolean unloadPending() {
        return !unloading.isEmpty();
    }

    /** The catalogue or the settings changed: failed models may be tried again at once. */
    void forgetFailures() {
        failures.clear();
        retryAt.clear();
    }

    void load(ModelSpec m, WarmupSettings s, ModelBackend.Intent intent) {
        ModelBackend backend;
        try {
            backend = backends.lookup(m.backend());
        } catch (WarmupException e) {
            fail(m, e);
            return;
        }
        inFlight++;
        absentAt.remove(m.id()); // our load: its appearance is explained
        lateLoads.remove(m.id());
        ownership.claim(m);
        states.loading(m.id(), (int) performance.memoryMb(m), clock.millis());
        metrics.warmup(ModelWarmupMetrics.Warmup.started);
        publish.run();
        Duration timeout = Duration.ofSeconds(s.warmupTimeoutSeconds());
        backend.load(m, timeout, intent).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    inFlight--;
                    if (e == null) {
                        failures.remove(m.id());
                        keepAlives.remove(m.id()); // our request set the keep-alive: the next reading starts afresh
                        performance.observe(m.id(), r.loadMs(), r.memoryMb());
                        states.warm(m.id(), (int) performance.memoryMb(m)); // just observed, if reported
                        metrics.warmup(ModelWarmupMetrics.Warmup.succeeded);
                        metrics.warmMemoryMb(states.heldMb());
                    } else {
                        Throwable c = e.getCause() != null ? e.getCause() : e;
                        if (c instanceof TimeoutException) {
                            metrics.warmup(ModelWarmupMetrics.Warmup.timedOut);
                            lateLoads.put(m.id(), clock.millis());
                            fail(m, new WarmupException(ErrorCode.WMP_3001, m.id() + " did not load within "
                                    + timeout.toSeconds() + " s"));
                        } else {
                            metrics.warmup(ModelWarmupMetrics.Warmup.failed);
                            fail(m, c instanceof WarmupException w ? w
                                    : new WarmupException(ErrorCode.WMP_8004, String.valueOf(c)));
                        }
                    }
                    publish.run();
                    afterChange.run();
                }, executor);
    }

    private void fail(ModelSpec m, WarmupException e) {
        int n = failures.merge(m.id(), 1, Integer::sum);
        states.failed(m.id(), e.getMessage());
        long backoff = n >= MAX_ATTEMPTS ? Long.MAX_VALUE / 4 : 30_000L << (n - 1);
        retryAt.put(m.id(), clock.millis() + backoff);
        LOG.warning(n >= MAX_ATTEMPTS ? new WarmupException(ErrorCode.WMP_3002, m.id() + ": " + e.getMessage())
                .getMessage() : e.getMessage());
    }

    /**
     * Asks the model server to unload a warm model that is ours (nothing happens while an unload of it is on its
     * way, nor for one another server or program holds: {@link Ownership}). Unless {@code toFreeMemory}, one that
     * another running server wants is handed to it instead.
     */
    void unload(ModelSpec m, boolean toFreeMemory) {
        if (m == null || unloading.contains(m.id()) || states.get(m.id()).state() != ModelStates.State.warm
                || !backends.canUnload(m.backend()) || !ownership.judge(m)) {
            return;
        }
        if (!toFreeMemory && ownership.handedOver(m)) {
            publish.run(); // the editor is told it is held elsewhere now
            return;
        }
        var backend = backends.find(m.backend());
        if (backend.isEmpty()) {
            unloaded(m);
            return;
        }
        unloading.add(m.id());
        backend.get().unload(m).whenCompleteAsync((r, e) -> {
            unloading.remove(m.id());
            if (e != null) { // still loaded as far as we know; the next reconciliation tells
                LOG.warning("unloading " + m.id() + ": " + e.getMessage());
                return;
            }
            unloaded(m);
            afterChange.run();
        }, executor);
    }

    private void unloaded(ModelSpec m) {
        ownership.released(m);
        if (states.get(m.id()).state() != ModelStates.State.warm) {
            return;
        }
        if (!states.get(m.id()).servedSinceLoad()) { // loaded, then unloaded unused
            metrics.warmup(ModelWarmupMetrics.Warmup.wasted);
        }
        states.unloaded(m.id());
        metrics.warmMemoryMb(states.heldMb());
        publish.run();
    }

    /**
     * For a warm model the plan keeps: if its model server said it would drop it within {@code marginMillis} of
     * {@code now}, asks again for the load, which on an already loaded model only renews the server's keep-alive.
     */
    void keepLoaded(ModelSpec m, long now, long marginMillis, WarmupSettings s) {
        KeepAlive keepAlive = keepAlives.get(m.id());
        if (keepAlive == null || keepAlive.expiresAt() - now > marginMillis || renewing.contains(m.id())
                || unloading.contains(m.id()) || states.get(m.id()).state() != ModelStates.State.warm
                || ownership.heldByAnotherServer(m.id())) {
            return;
        }
        var backend = backends.find(m.backend());
        if (backend.isEmpty()) {
            return;
        }
        renewing.add(m.id());
        ownership.claim(m); // kept for this server's prediction: ours, as a load is, if a person or program loaded it
        Duration timeout = Duration.ofSeconds(s.warmupTimeoutSeconds());
        backend.get().load(m, timeout).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    renewing.remove(m.id());
                    if (e != null) { // the next reconciliation tells whether it is still there
                        LOG.warning("renewing " + m.id() + " on its model server: " + e.getMessage());
                        keepAlives.remove(m.id()); // it may land yet (a timeout): not someone's request then
                        return;
                    }
                    keepAlives.remove(m.id()); // renewed; the next reconciliation says until when
                    metrics.increment("keepAliveRenewals");
                }, executor);
    }

    /**
     * Records {@code m}'s keep-alive; a move is a request: each request to Ollama sets the model's keep-alive anew,
     * so when it moves with no load or renewal of ours (each clears the reading), someone asked for the model.
     */
    private void readKeepAlive(ModelSpec m, long expiry, long now) {
        KeepAlive before = keepAlives.put(m.id(), new KeepAlive(expiry, now));
        if (before != null && Math.abs(expiry - before.expiresAt()) > 2_000 && !renewing.contains(m.id())) {
            moved.putIfAbsent(m.id(), new Moved(before.readAt(), now, false));
        }
    }

    /** Whether a load of ours abandoned at the timeout within {@value #LATE_LOAD_MILLIS} ms may still finish. */
    private boolean lateLoad(String id, long now) {
        Long at = lateLoads.get(id);
        if (at != null && now - at > LATE_LOAD_MILLIS) {
            lateLoads.remove(id);
            return false;
        }
        return at != null;
    }

    /**
     * Records the newest request the model server served {@code m}; a newer one than at the last reading is a request
     * (our own loads and renewals are not requests it records). Ids that went down mean the server restarted or
     * cleared its record: read afresh.
     */
    private void readNewestRequest(ModelSpec m, long id, long now) {
        NewestRequest before = newestRequests.put(m.id(), new NewestRequest(id, now));
        if (before != null && id > before.id()) {
            moved.putIfAbsent(m.id(), new Moved(before.readAt(), now, false));
        }
    }

    /**
     * Explains a request seen on the model server (a keep-alive moved, or the model loaded since we last saw it
     * absent, by no load of ours): a use reported to us since explains it (our editor's own request). If none is
     * reported within {@value #USE_REPORT_MILLIS} ms of our seeing it (an editor reports a use once the answer is
     * complete), or at once when no editor reports uses of the model ({@link InferredUses#reported}), another program
     * (an AI extension that does not report to us, a script) asked for the model: it is left to it, and the use is
     * recorded for the predictor ({@link InferredUses}) unless another warm-up server holds the model (whose own
     * renewals and pre-warms move and load it; that server records what it cannot explain).
     */
    private void explain(ModelSpec m, long now) {
        Moved seen = moved.get(m.id());
        if (seen == null) {
            return;
        }
        if (states.get(m.id()).lastUsedMillis() >= seen.after()) {
            moved.remove(m.id()); // a use reported since it moved: our editor's own request
        } else if ((now - seen.seenAt() >= USE_REPORT_MILLIS || !inferred.reported(m, now))
                && inferred.mayRecord(seen.seenAt(), now)) {
            moved.remove(m.id());
            ownership.usedElsewhere(m);
            if (!ownership.heldByAnotherServer(m.id())) {
                inferred.record(m, seen.after(), seen.seenAt(), !seen.cold());
            }
        }
    }

    /**
     * The model server's view wins: what it has loaded is warm (ours, or held elsewhere: {@link Ownership}), what it
     * dropped is unloaded.
     */
    void reconcile() {
        WarmupSettings s = config.current();
        for (Map.Entry<String, ModelBackend> e : backends.servers().entrySet()) {
            List<ModelBackend.LoadedModel> loaded;
            try {
                loaded = e.getValue().loaded().get(s.warmupTimeoutSeconds(), TimeUnit.SECONDS);
            } catch (Exception ex) {
                continue; // unreachable now: the circuit breaker counts it; keep our view
            }
            boolean changed = false;
            for (ModelSpec m : s.models()) {
                if (!e.getKey().equals(m.backend())) {
                    continue;
                }
                ModelBackend server = e.getValue();
                var real = loaded.stream().filter(l -> server.sameModel(m.id(), l.modelId())).findFirst();
                real.ifPresent(l -> performance.observe(m.id(), -1, l.memoryMb())); // its size, whoever loaded it
                ModelStates.State ours = states.get(m.id()).state();
                long now = clock.millis();
                boolean late = lateLoad(m.id(), now);
                if (real.isPresent()) {
                    if (late) { // our abandoned load finished after all: ours, not someone's request
                        lateLoads.remove(m.id());
                        absentAt.remove(m.id());
                        ownership.claim(m);
                    }
                    ownership.judge(m);
                    Long absent = absentAt.remove(m.id());
                    if (absent != null && ours != ModelStates.State.loading
                            && !ownership.heldByAnotherServer(m.id())) { // not another warm-up server's pre-warm
                        moved.putIfAbsent(m.id(), new Moved(absent, now, true)); // someone's request loaded it
                    }
                } else if (ours != ModelStates.State.loading) {
                    ownership.released(m);
                    if (!late) {
                        absentAt.put(m.id(), now);
                    }
                }
                if (real.isPresent() && real.get().expiresAtMillis() > 0) {
                    readKeepAlive(m, real.get().expiresAtMillis(), now);
                } else {
                    keepAlives.remove(m.id());
                }
                if (real.isPresent() && real.get().newestRequest() >= 0) {
                    readNewestRequest(m, real.get().newestRequest(), now);
                } else {
                    newestRequests.remove(m.id());
                }
                if (real.isPresent()) {
                    explain(m, now);
                } else {
                    moved.remove(m.id());
                }
                if (real.isPresent() && ours != ModelStates.State.warm && ours != ModelStates.State.loading
                        || ours == ModelStates.State.warm && real.isPresent()
                        && states.get(m.id()).memoryMb() != performance.memoryMb(m)) { // dropped, or its size known
                    states.warm(m.id(), (int) performance.memoryMb(m));
                    changed = true;
                } else if (real.isEmpty() && ours == ModelStates.State.warm) {
                    states.unloaded(m.id());
                    changed = true;
                }
            }
            if (changed) {
                metrics.warmMemoryMb(states.heldMb());
                publish.run();
            }
        }
    }
}
