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
import dev.warmup.server.prediction.PredictionService;
import dev.warmup.server.prediction.TaskForecast;
import dev.warmup.server.queue.Priority;
import dev.warmup.server.queue.WarmupQueue;
import dev.warmup.server.resources.ResourceManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Turns forecasts into loads and unloads on the backends: on every tick (every 30 s, and soon after new usage) it
 * asks the {@link ExpectedValuePlanner} what should be warm within the budget, queues the loads by value in the
 * {@link WarmupQueue}, runs at most {@code maxConcurrentLoads} at a time, abandons a load past
 * {@code warmupTimeoutSeconds} (WMP-3001), backs off after failures (three attempts, then WMP-3002 until the
 * catalogue changes), unloads a model once the plan has stopped wanting it for 20 s ({@link SustainedUnloads}, with
 * a tick of its own when that falls due; never a model used in the last 30 s), and reconciles with what each model
 * server really has loaded. Nothing here runs on an LSP thread.
 */
@Singleton
public final class WarmupScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WarmupScheduler.class.getName());
    static final long IN_USE_MILLIS = 30_000;
    static final int MAX_ATTEMPTS = 3;
    static final long NUDGE_MILLIS = 500;
    static final double HORIZON_SECONDS = WarmSetPlanner.HORIZON_SECONDS;

    private final ConfigurationManager config;
    private final PredictionService prediction;
    private final BackendRegistry backends;
    private final ModelStates states;
    private final ModelWarmupMetrics metrics;
    private final Clock clock;
    private final PerformancePredictor performance;
    private final ResourceManager resources;
    private final Runnable onChange;
    private final SustainedUnloads planner;
    private java.util.concurrent.ScheduledFuture<?> dueTick;
    private volatile long dueTickAt = Long.MAX_VALUE; // read by tests from another thread
    private final WarmupQueue queue;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warmup-scheduler");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    private final java.util.Set<String> unloading = new java.util.HashSet<>();
    private int inFlight;
    private final java.util.concurrent.atomic.AtomicBoolean nudged = new java.util.concurrent.atomic.AtomicBoolean();

    @Inject
    public WarmupScheduler(ConfigurationManager config, PredictionService prediction, BackendRegistry backends,
                           ModelStates states, ModelWarmupMetrics metrics, Clock clock, WarmupCoordinator coordinator,
                           PerformancePredictor performance, ResourceManager resources, SustainedUnloads planner) {
        this.planner = planner;
        this.performance = performance;
        this.resources = resources;
        this.config = config;
        this.prediction = prediction;
        this.backends = backends;
        this.states = states;
        this.metrics = metrics;
        this.clock = clock;
        this.onChange = coordinator::publishStatus;
        this.queue = new WarmupQueue(clock, config.current().maxQueueSize(), 60_000);
        config.addListener(s -> executor.execute(() -> {
            queue.resize(s.maxQueueSize());
            failures.clear();
            retryAt.clear();
        }));
    }

    /**
     * Ticks every {@code periodSeconds} from now on, and {@value #NUDGE_MILLIS} ms after new usage (coalesced), so
     * that a forecast raised by what the developer just did is acted on while the load can still finish in time.
     */
    public void start(long periodSeconds) {
        executor.scheduleWithFixedDelay(this::tickSafely, 0, periodSeconds, TimeUnit.SECONDS);
        prediction.onObserved(() -> {
            if (!nudged.getAndSet(true)) {
                executor.schedule(() -> {
                    nudged.set(false);
                    tickSafely();
                }, NUDGE_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Plans and acts now (on the scheduler's thread); the future completes when this tick's decisions are made. */
    public CompletableFuture<Void> tick() {
        return CompletableFuture.runAsync(this::tickSafely, executor);
    }

    private void tickSafely() {
        try {
            reconcile();
            if (resources.emergency()) {
                shedForEmergency();
                return;
            }
            plan();
            if (!resources.cpuBusy(config.current())) {
                drain();
            }
        } catch (RuntimeException e) {
            LOG.warning("scheduling tick failed: " + e);
        }
    }

    private void plan() {
        WarmupSettings s = config.current();
        if (config.paused() || !s.backgroundWarmupEnabled()) {
            return;
        }
        Map<String, TaskForecast> now0 = TaskForecast.byTask(prediction.forecast((int) HORIZON_SECONDS));
        long now = clock.millis();
        List<WarmSetPlanner.Candidate> candidates = new ArrayList<>();
        for (ModelSpec m : s.models()) {
            ModelStates.Entry e = states.get(m.id());
            WarmSetPlanner.Residency r = e.residency();
            double loadSeconds = performance.expectedLoadSeconds(m);
            // a load pays only for the requests after it has finished: judge it by the forecast at that time
            Map<String, TaskForecast> byTask = r == WarmSetPlanner.Residency.UNLOADED ? TaskForecast.byTask(
                    prediction.forecastAhead(Math.round(loadSeconds * 1000), (int) HORIZON_SECONDS)) : now0;
            double miss = 1;
            double until = Double.MAX_VALUE;
            for (String task : m.tasks()) {
                TaskForecast f = byTask.get(task);
                if (f != null) {
                    miss *= 1 - f.probability();
                    until = Math.min(until, f.secondsUntilNeeded());
                }
            }
            boolean inUse = e.lastUsedMillis() != Long.MIN_VALUE && now - e.lastUsedMillis() < IN_USE_MILLIS;
            double perMiss = WarmSetPlanner.Candidate.coldStartsPerMiss(TaskForecast.probabilities(byTask, m.tasks()),
                    prediction.followers(m.tasks(), loadSeconds));
            candidates.add(new WarmSetPlanner.Candidate(m.id(), performance.memoryMb(m),
                    loadSeconds, 1 - miss, until, r, inUse, -1, perMiss));
        }
        WarmSetPlanner.WarmPlan plan = planner.plan(new WarmSetPlanner.PlanRequest(now, candidates,
                resources.memoryBudgetMb(s, states.heldMb()), s.maxWarmModels(), s.predictionThreshold()));
        for (String id : plan.unloads()) {
            unload(spec(id));
        }
        scheduleDueTick(now);
        List<WarmSetPlanner.PlannedLoad> loads = affordable(plan.loads(), s);
        for (var queued : queue.snapshot()) { // a prediction withdrawn: its pending warm-up goes too
            if (loads.stream().noneMatch(l -> l.modelId().equals(queued.model())) && queue.cancel(queued.model())) {
                metrics.warmup(ModelWarmupMetrics.Warmup.cancelled);
            }
        }
        for (WarmSetPlanner.PlannedLoad load : loads) {
            if (retryAt.getOrDefault(load.modelId(), Long.MIN_VALUE) > now) {
                continue;
            }
            Priority p = load.value() >= 2 ? Priority.HIGH : Priority.MEDIUM;
            queue.offer(load.modelId(), p, load.reason()).warning().ifPresent(w -> LOG.warning(w.getMessage()));
        }
    }

    /** A tick when the first unload held by the grace falls due, rather than at the next periodic tick. */
    private void scheduleDueTick(long now) {
        long due = planner.nextDue();
        if (due == dueTickAt) {
            return;
        }
        if (dueTick != null) {
            dueTick.cancel(false);
        }
        dueTickAt = due;
        dueTick = due == Long.MAX_VALUE ? null : executor.schedule(() -> {
            dueTickAt = Long.MAX_VALUE;
            dueTick = null;
            tickSafely();
        }, Math.max(0, due - now), TimeUnit.MILLISECONDS);
    }

    /** When the next tick for a held unload is due (Long.MAX_VALUE: none is); for tests. */
    long dueTickAt() {
        return dueTickAt;
    }

    /**
     * System memory is nearly exhausted: unload our least recently used warm model not in use (WMP-4001). One per
     * tick: its memory comes back only once the model server has unloaded it, and the next tick looks again.
     */
    private void shedForEmergency() {
        queue.snapshot().forEach(e -> queue.cancel(e.model()));
        List<ModelSpec> warm = new ArrayList<>(config.current().models().stream()
                .filter(m -> states.get(m.id()).state() == ModelStates.State.warm)
                .filter(m -> states.get(m.id()).lastUsedMillis() == Long.MIN_VALUE
                        || clock.millis() - states.get(m.id()).lastUsedMillis() >= IN_USE_MILLIS).toList());
        warm.sort(java.util.Comparator.comparingLong(m -> states.get(m.id()).lastUsedMillis()));
        if (!unloading.isEmpty() || warm.isEmpty()) {
            return; // an unload is on its way: wait for its memory before judging again
        }
        ModelSpec m = warm.get(0);
        LOG.warning(new WarmupException(ErrorCode.WMP_4001, "unloading " + m.id()).getMessage());
        metrics.increment("emergencyUnloads");
        unload(m);
    }

    /** The loads, most valuable first, cut where their performance impact would pass the threshold (WMP-6001). */
    private List<WarmSetPlanner.PlannedLoad> affordable(List<WarmSetPlanner.PlannedLoad> loads, WarmupSettings s) {
        List<WarmSetPlanner.PlannedLoad> kept = new ArrayList<>(loads);
        while (!kept.isEmpty() && !performance.assessImpact(kept.stream().map(l -> spec(l.modelId())).toList(),
                HORIZON_SECONDS, s.performanceImpactThreshold()).isAcceptable()) {
            WarmSetPlanner.PlannedLoad dropped = kept.remove(kept.size() - 1);
            LOG.info(new WarmupException(ErrorCode.WMP_6001, "not loading " + dropped.modelId() + " now")
                    .getMessage());
        }
        return kept;
    }

    private void drain() {
        WarmupSettings s = config.current();
        while (inFlight < s.maxConcurrentLoads()) {
            var next = queue.poll();
            if (next.isEmpty()) {
                return;
            }
            ModelSpec m = spec(next.get().model());
            if (m == null || states.get(m.id()).state() != ModelStates.State.unloaded
                    && states.get(m.id()).state() != ModelStates.State.failed) {
                continue;
            }
            if (states.heldMb() + m.memoryMb() > resources.memoryBudgetMb(s, states.heldMb()) || states.residentCount() + 1 > s.maxWarmModels()) {
                continue; // the plan made room; what is still held is on its way out
            }
            load(m, s);
        }
    }

    private void load(ModelSpec m, WarmupSettings s) {
        ModelBackend backend;
        try {
            backend = backends.lookup(m.backend());
        } catch (WarmupException e) {
            fail(m, e);
            return;
        }
        inFlight++;
        states.loading(m.id(), m.memoryMb(), clock.millis());
        metrics.warmup(ModelWarmupMetrics.Warmup.started);
        onChange.run();
        Duration timeout = Duration.ofSeconds(s.warmupTimeoutSeconds());
        backend.load(m, timeout).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    inFlight--;
                    if (e == null) {
                        failures.remove(m.id());
                        performance.observe(m.id(), r.loadMs(), r.memoryMb());
                        states.warm(m.id(), r.memoryMb() > 0 ? (int) r.memoryMb() : m.memoryMb());
                        metrics.warmup(ModelWarmupMetrics.Warmup.succeeded);
                        metrics.warmMemoryMb(states.heldMb());
                    } else {
                        Throwable c = e.getCause() != null ? e.getCause() : e;
                        if (c instanceof TimeoutException) {
                            metrics.warmup(ModelWarmupMetrics.Warmup.timedOut);
                            fail(m, new WarmupException(ErrorCode.WMP_3001, m.id() + " did not load within "
                                    + timeout.toSeconds() + " s"));
                        } else {
                            metrics.warmup(ModelWarmupMetrics.Warmup.failed);
                            fail(m, c instanceof WarmupException w ? w
                                    : new WarmupException(ErrorCode.WMP_8004, String.valueOf(c)));
                        }
                    }
                    onChange.run();
                    drain();
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
     * Asks the model server to unload; the memory counts as held until it confirms, so that no load is started
     * into memory the model server has not yet given back.
     */
    private void unload(ModelSpec m) {
        if (m == null || unloading.contains(m.id()) || states.get(m.id()).state() != ModelStates.State.warm) {
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
            drain();
        }, executor);
    }

    private void unloaded(ModelSpec m) {
        if (states.get(m.id()).state() != ModelStates.State.warm) {
            return;
        }
        if (!states.get(m.id()).servedSinceLoad()) { // loaded, then unloaded unused
            metrics.warmup(ModelWarmupMetrics.Warmup.wasted);
        }
        states.unloaded(m.id());
        metrics.warmMemoryMb(states.heldMb());
        onChange.run();
    }

    /** The model server's view wins: what it has loaded is warm, what it dropped is unloaded. */
    private void reconcile() {
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
                var real = loaded.stream().filter(l -> l.modelId().equals(m.id())).findFirst();
                ModelStates.State ours = states.get(m.id()).state();
                if (real.isPresent() && ours != ModelStates.State.warm && ours != ModelStates.State.loading) {
                    states.warm(m.id(), real.get().memoryMb() > 0 ? (int) real.get().memoryMb() : m.memoryMb());
                    changed = true;
                } else if (real.isEmpty() && ours == ModelStates.State.warm) {
                    states.unloaded(m.id());
                    changed = true;
                }
            }
            if (changed) {
                metrics.warmMemoryMb(states.heldMb());
                onChange.run();
            }
        }
    }

    private ModelSpec spec(String id) {
        return config.current().models().stream().filter(m -> m.id().equals(id)).findFirst().orElse(null);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
