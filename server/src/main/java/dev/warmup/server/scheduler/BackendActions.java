package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.backend.BackendRegistry;
import dev.warmup.server.backend.ModelBackend;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.RepeatedWarnings;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.performance.PerformancePredictor;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Carries out the {@link WarmupScheduler}'s decisions on the model servers: a load is abandoned past
 * {@code warmupTimeoutSeconds} (WMP-3001), and after a failure, or an unload its model server did by itself, the
 * model waits as {@link LoadBackoff} says; an unload holds the model's memory until its server confirms, so
 * that no load starts into memory not yet given back; {@link #reconcile} makes our view match what each model
 * server really has loaded; and {@link #keepLoaded} renews a model server's own keep-alive (Ollama's: every request,
 * the editor's too, sets it, 5 minutes by default) for a model the plan keeps, so that the server's timer does not
 * drop what the prediction holds. Each reconciliation's look at a model goes to {@link ModelServerSightings}, which
 * tells requests that none of this explains; a model server that answers again after a failed look has
 * {@code onAnswersAgain} run (its limits are looked for afresh). Used on the scheduler's thread only; completions come
 * back on it through {@code executor}, then {@code afterChange} runs (the scheduler starts the next queued load).
 */
final class BackendActions {
    private static final Logger LOG = Logger.getLogger(BackendActions.class.getName());

    private final ConfigurationManager config;
    private final BackendRegistry backends;
    private final ModelStates states;
    private final ModelWarmupMetrics metrics;
    private final PerformancePredictor performance;
    private final Ownership ownership;
    private final Clock clock;
    /** A model server that refuses every unload (asked again after each grace) or renewal: said once a minute. */
    private final RepeatedWarnings refusals;
    private final Executor executor;
    private final Runnable publish;
    private final Runnable afterChange;
    private final Runnable replan;
    private final Runnable onAnswersAgain;
    private final LoadBackoff backoff;
    private final Set<String> seenLoaded = new HashSet<>(); // listed by the last look, or loaded by us since
    private final Set<String> unloading = new HashSet<>();
    private final ModelServerLooks looks;
    private final ModelServerSightings sightings;
    private int inFlight;

    BackendActions(ConfigurationManager config, BackendRegistry backends, ModelStates states,
                   ModelWarmupMetrics metrics, PerformancePredictor performance, Ownership ownership, Clock clock,
                   Executor executor, Runnable publish, Runnable afterChange, Runnable replan, InferredUses inferred,
                   ModelServerSilence silence, Runnable onAnswersAgain) {
        this.sightings = new ModelServerSightings(states, ownership, inferred);
        this.ownership = ownership;
        this.config = config;
        this.backends = backends;
        this.states = states;
        this.metrics = metrics;
        this.performance = performance;
        this.clock = clock;
        this.refusals = new RepeatedWarnings(LOG, clock::millis);
        this.backoff = new LoadBackoff(states, clock);
        this.executor = executor;
        this.publish = publish;
        this.afterChange = afterChange;
        this.replan = replan;
        this.onAnswersAgain = onAnswersAgain;
        this.looks = new ModelServerLooks(backends::servers, executor, this::take, silence, clock::millis);
    }

    /** For tests: {@link ModelServerLooks#lookMillis}. */
    void lookMillis(long millis) {
        looks.lookMillis(millis);
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

    /** Whether a model may not be loaded at {@code now}: {@link LoadBackoff}. */
    boolean backingOff(String modelId, long now) {
        return backoff.holdsOff(modelId, now);
    }

    /** Whether an unload has been asked for and not yet confirmed. */
    boolean unloadPending() {
        return !unloading.isEmpty();
    }

    /** The catalogue or the settings changed: failed models may be tried again at once. */
    void forgetFailures() {
        backoff.forgetAll();
    }

    /** The editor says it can load models now: the client backend's failed loads may be tried again at once. */
    void loaderReady() {
        backoff.answersAgain(config.current().models().stream()
                .filter(m -> m.backend() == null || BackendSpec.CLIENT.equals(m.backend())).toList(),
                "the editor's loader is ready");
    }

    void load(ModelSpec m, WarmupSettings s, ModelBackend.Intent intent) {
        ModelBackend backend;
        try {
            backend = backends.lookup(m.backend());
        } catch (WarmupException e) {
            backoff.failed(m, e);
            return;
        }
        inFlight++;
        looks.changed();
        LOG.fine(() -> "loading " + m.id() + " (" + intent.reason() + ")");
        sightings.loadStarted(m.id());
        ownership.claim(m);
        states.loading(m.id(), (int) performance.memoryMb(m), clock.millis());
        metrics.warmup(ModelWarmupMetrics.Warmup.started);
        publish.run();
        Duration timeout = Duration.ofSeconds(s.warmupTimeoutSeconds());
        long startedAt = clock.millis();
        long readiness = backoff.readiness(m.id());
        backend.load(m, timeout, intent).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    inFlight--;
                    looks.changed();
                    if (e == null) {
                        backoff.loaded(m.id());
                        seenLoaded.add(m.id()); // its model server says so
                        sightings.loadDone(m.id());
                        performance.observe(m.id(), r.loadMs(), r.memoryMb());
                        states.warm(m.id(), (int) performance.memoryMb(m)); // just observed, if reported
                        metrics.warmup(ModelWarmupMetrics.Warmup.succeeded);
                    } else {
                        Throwable c = e.getCause() != null ? e.getCause() : e;
                        WarmupException failure;
                        if (c instanceof TimeoutException) {
                            metrics.warmup(ModelWarmupMetrics.Warmup.timedOut);
                            sightings.loadAbandoned(m.id(), startedAt, clock.millis(), backend.keepAliveAfterLoad());
                            failure = new WarmupException(ErrorCode.WMP_3001, m.id() + " did not load within "
                                    + timeout.toSeconds() + " s");
                        } else {
                            metrics.warmup(ModelWarmupMetrics.Warmup.failed);
                            failure = WarmupException.coded(c, ErrorCode.WMP_8004);
                        }
                        if (!backoff.failed(m, failure, readiness)) {
                            replan.run(); // sent before its backend could load: now it can
                        }
                    }
                    metrics.warmMemoryMb(states.heldMb()); // warm now, or the failed load's memory given back
                    publish.run();
                    afterChange.run();
                }, executor);
    }

    /**
     * Asks the model server to unload a warm model that is ours (nothing happens while an unload of it is on its
     * way, nor for one another server or program holds: {@link Ownership}). Unless {@code toFreeMemory}, one that
     * another running server wants is handed to it instead. {@code reason} is logged, and passed on where the
     * model server can hear it (the editor's {@code warmup/unload}).
     */
    void unload(ModelSpec m, boolean toFreeMemory, String reason) {
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
            unloaded(m, reason);
            return;
        }
        unloading.add(m.id());
        looks.changed();
        LOG.fine(() -> "unloading " + m.id() + ": " + reason);
        backend.get().unload(m, reason).whenCompleteAsync((r, e) -> {
            unloading.remove(m.id());
            looks.changed();
            if (e != null) { // still loaded as far as we know; the next reconciliation tells
                refusals.warn(WarmupException.coded(e, ErrorCode.WMP_8004).getMessage() + " (unloading " + m.id()
                        + ")");
                return;
            }
            unloaded(m, reason);
            afterChange.run();
        }, executor);
    }

    private void unloaded(ModelSpec m, String reason) {
        sightings.unloaded(m.id(), clock.millis());
        ownership.released(m);
        if (states.get(m.id()).state() != ModelStates.State.warm) {
            return;
        }
        if (!states.get(m.id()).servedSinceLoad()) { // loaded, then unloaded unused
            metrics.warmup(ModelWarmupMetrics.Warmup.wasted);
        }
        states.unloaded(m.id(), reason);
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
                        String renewing = "renewing " + m.id() + " on its model server";
                        refusals.warn(WarmupException.unwrap(e) instanceof TimeoutException
                                ? new WarmupException(ErrorCode.WMP_3001, renewing + ": no answer within "
                                        + timeout.toSeconds() + " s").getMessage()
                                : WarmupException.coded(e, ErrorCode.WMP_8004).getMessage() + " (" + renewing + ")");
                        return;
                    }
                    metrics.increment(ModelWarmupMetrics.Counter.KEEP_ALIVE_RENEWALS);
                    LOG.fine(() -> "renewed " + m.id() + " on its model server");
                }, executor);
    }

    /**
     * The model server's view wins: what it has loaded is warm (ours, or held elsewhere: {@link Ownership}), what it
     * dropped is unloaded.
     */
    void reconcile() {
        looks.look();
    }

    /**
     * A model server's list of what it has loaded, taken as {@link #reconcile} says; {@code down}: it is not running,
     * and a model of ours it had is gone with it, not unloaded by it to make room (no hold-off).
     */
    private void take(String backend, ModelBackend server, List<ModelBackend.LoadedModel> loaded, boolean again,
                      boolean down) {
        WarmupSettings s = config.current();
        if (again) {
            backoff.answersAgain(s.models().stream().filter(m -> backend.equals(m.backend())).toList(),
                    "model server " + backend + " answers again");
            onAnswersAgain.run(); // started, or started anew: its process, and so its cgroup, may be another
        }
        boolean changed = false;
        for (ModelSpec m : s.models()) {
            if (!backend.equals(m.backend()) || unloading.contains(m.id())) {
                continue; // a look while our unload is under way says nothing of the model: its end will
            }
            var listed = loaded.stream().filter(l -> server.sameModel(m.id(), l.modelId())).findFirst();
            listed.ifPresent(l -> performance.observe(m.id(), -1, l.memoryMb())); // its size, whoever loaded it
            ModelStates.State ours = states.get(m.id()).state();
            boolean held = ownership.ours(m.id()); // before the look, which forgets the claim of a model gone
            long now = clock.millis();
            var real = sightings.look(m, listed, ours, now, server.keepAliveAfterLoad());
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
                backoff.listed(m.id());
            } else if (seenLoaded.remove(m.id()) && ours == ModelStates.State.warm && held && !down) {
                backoff.evicted(m.id(), backend, now); // one another server or program held: its holder's doing
            }
        }
        if (changed) {
            metrics.warmMemoryMb(states.heldMb());
            publish.run();
        }
    }
}
