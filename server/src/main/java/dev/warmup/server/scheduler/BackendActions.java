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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * drop what the prediction holds. Each reconciliation's look at a model goes to {@link ModelServerSightings}, which
 * tells requests that none of this explains. Used on the scheduler's thread only; completions come back on it
 * through {@code executor}, then {@code afterChange} runs (the scheduler starts the next queued load).
 */
final class BackendActions {
    private static final Logger LOG = Logger.getLogger(BackendActions.class.getName());
    static final int MAX_ATTEMPTS = 3;
    /** After {@link #MAX_ATTEMPTS} failures in a row a model is tried this seldom (and its failures logged quietly). */
    static final long GIVEN_UP_RETRY_MILLIS = 600_000;
    /**
     * How long a tick waits for the model servers' lists of what they have loaded, all asked at once: one that has
     * not answered by then (hung, or its machine swapping) is left as last seen, and holds up neither the others
     * nor the loads.
     */
    static final long LOOK_MILLIS = 10_000;
    /**
     * A warm model its model server unloaded without our asking (Ollama making room for a model the developer
     * asked for, a person's {@code ollama stop}) is not loaded again by us for this long: loading it straight back
     * would evict the model in use, or undo what the person did.
     */
    static final long EVICTED_HOLD_OFF_MILLIS = 300_000;

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
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    private final Map<String, Long> evictedUntil = new HashMap<>();
    private final Set<String> seenLoaded = new HashSet<>(); // listed by the last look, or loaded by us since
    private final Set<String> unloading = new HashSet<>();
    private final Set<String> unanswered = new HashSet<>(); // backends whose last look failed
    private final Map<String, CompletableFuture<List<ModelBackend.LoadedModel>>> looking = new HashMap<>();
    private final ModelServerSightings sightings;
    private int inFlight;

    BackendActions(ConfigurationManager config, BackendRegistry backends, ModelStates states,
                   ModelWarmupMetrics metrics, PerformancePredictor performance, Ownership ownership, Clock clock,
                   Executor executor, Runnable publish, Runnable afterChange, InferredUses inferred) {
        this.sightings = new ModelServerSightings(states, ownership, inferred);
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

    /**
     * Whether a load of {@code m} could be sent now: not through the client backend before the editor's
     * {@code initialized}. A backend that is not configured counts as ready: the load fails with its WMP code.
     */
    boolean canSend(ModelSpec m) {
        return backends.find(m.backend()).map(ModelBackend::acceptsLoads).orElse(true);
    }

    /**
     * Whether a model that failed to load is still waiting out its back-off at {@code now}, or one its model server
     * unloaded by itself its hold-off.
     */
    boolean backingOff(String modelId, long now) {
        return retryAt.getOrDefault(modelId, Long.MIN_VALUE) > now
                || evictedUntil.getOrDefault(modelId, Long.MIN_VALUE) > now;
    }

    /** Whether an unload has been asked for and not yet confirmed. */
    boolean unloadPending() {
        return !unloading.isEmpty();
    }

    /** The catalogue or the settings changed: failed models may be tried again at once. */
    void forgetFailures() {
        failures.clear();
        retryAt.keySet().forEach(states::retryNow);
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
        sightings.loadStarted(m.id());
        ownership.claim(m);
        states.loading(m.id(), (int) performance.memoryMb(m), clock.millis());
        metrics.warmup(ModelWarmupMetrics.Warmup.started);
        publish.run();
        Duration timeout = Duration.ofSeconds(s.warmupTimeoutSeconds());
        long startedAt = clock.millis();
        backend.load(m, timeout, intent).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    inFlight--;
                    if (e == null) {
                        failures.remove(m.id());
                        seenLoaded.add(m.id()); // its model server says so
                        sightings.loadDone(m.id());
                        performance.observe(m.id(), r.loadMs(), r.memoryMb());
                        states.warm(m.id(), (int) performance.memoryMb(m)); // just observed, if reported
                        metrics.warmup(ModelWarmupMetrics.Warmup.succeeded);
                        metrics.warmMemoryMb(states.heldMb());
                    } else {
                        Throwable c = e.getCause() != null ? e.getCause() : e;
                        if (c instanceof TimeoutException) {
                            metrics.warmup(ModelWarmupMetrics.Warmup.timedOut);
                            sightings.loadAbandoned(m.id(), startedAt, clock.millis(), backend.keepAliveAfterLoad());
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
        long backoff = n >= MAX_ATTEMPTS ? GIVEN_UP_RETRY_MILLIS : 30_000L << (n - 1);
        retryAt.put(m.id(), clock.millis() + backoff);
        states.failed(m.id(), e.getMessage(), clock.millis() + backoff);
        if (n < MAX_ATTEMPTS) {
            LOG.warning(e.getMessage());
        } else if (n == MAX_ATTEMPTS) {
            LOG.warning(new WarmupException(ErrorCode.WMP_3002, m.id() + ": " + e.getMessage() + "; tried again every "
                    + GIVEN_UP_RETRY_MILLIS / 60_000 + " minutes, and at once when its model server answers after not"
                    + " answering or the settings change").getMessage());
        } else {
            LOG.fine(e.getMessage());
        }
    }

    /** A model server answers again after it did not: its models' failed loads may be tried again at once. */
    private void answersAgain(String backend, WarmupSettings s) {
        boolean forgot = false;
        for (ModelSpec m : s.models()) {
            if (backend.equals(m.backend())) {
                forgot |= failures.remove(m.id()) != null;
                retryAt.remove(m.id());
                states.retryNow(m.id());
            }
        }
        if (forgot) {
            LOG.info("model server " + backend + " answers again: its models' failed loads are tried again");
        }
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
        if (!sightings.expiresWithin(m.id(), now, marginMillis) || sightings.renewing(m.id())
                || unloading.contains(m.id()) || states.get(m.id()).state() != ModelStates.State.warm
                || ownership.heldByAnotherServer(m.id())) {
            return;
        }
        var backend = backends.find(m.backend());
        if (backend.isEmpty()) {
            return;
        }
        sightings.renewalStarted(m.id());
        ownership.claim(m); // kept for this server's prediction: ours, as a load is, if a person or program loaded it
        Duration timeout = Duration.ofSeconds(s.warmupTimeoutSeconds());
        backend.get().load(m, timeout).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    sightings.renewalEnded(m.id());
                    if (e != null) { // the next reconciliation tells whether it is still there
                        LOG.warning("renewing " + m.id() + " on its model server: " + e.getMessage());
                        return;
                    }
                    metrics.increment("keepAliveRenewals");
                }, executor);
    }

    /**
     * The model server's view wins: what it has loaded is warm (ours, or held elsewhere: {@link Ownership}), what it
     * dropped is unloaded.
     */
    void reconcile() {
        WarmupSettings s = config.current();
        Map<String, CompletableFuture<List<ModelBackend.LoadedModel>>> looks = new LinkedHashMap<>();
        backends.servers().forEach((name, server) -> { // all at once; a look still unanswered is not asked again
            var pending = looking.get(name);
            looks.put(name, pending != null && !pending.isDone() ? pending : server.loaded());
        });
        looking.clear();
        looking.putAll(looks);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOOK_MILLIS); // the network's time
        for (Map.Entry<String, ModelBackend> e : backends.servers().entrySet()) {
            List<ModelBackend.LoadedModel> loaded;
            try {
                loaded = looks.get(e.getKey()).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception ex) {
                unanswered.add(e.getKey());
                continue; // unreachable or hung now: the circuit breaker counts it; keep our view
            }
            if (unanswered.remove(e.getKey())) {
                answersAgain(e.getKey(), s);
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
                sightings.look(m, real, ours, now);
                if (real.isPresent() && ours != ModelStates.State.warm && ours != ModelStates.State.loading
                        || ours == ModelStates.State.warm && real.isPresent()
                        && states.get(m.id()).memoryMb() != performance.memoryMb(m)) { // dropped, or its size known
                    states.warm(m.id(), (int) performance.memoryMb(m));
                    changed = true;
                } else if (real.isEmpty() && ours == ModelStates.State.warm) {
                    states.unloaded(m.id());
                    changed = true;
                }
                if (real.isPresent()) {
                    seenLoaded.add(m.id());
                    evictedUntil.remove(m.id());
                } else if (seenLoaded.remove(m.id()) && ours == ModelStates.State.warm && !unloading.contains(m.id())) {
                    evictedUntil.put(m.id(), now + EVICTED_HOLD_OFF_MILLIS);
                    LOG.info(m.id() + " was unloaded by its model server (" + e.getKey() + ") without our asking: not"
                            + " warmed again by us for " + EVICTED_HOLD_OFF_MILLIS / 60_000 + " minutes");
                }
            }
            if (changed) {
                metrics.warmMemoryMb(states.heldMb());
                publish.run();
            }
        }
    }
}
