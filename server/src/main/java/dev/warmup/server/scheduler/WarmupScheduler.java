package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.SteadyClock;
import dev.warmup.server.backend.BackendRegistry;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.performance.PerformancePredictor;
import dev.warmup.server.prediction.PredictionService;
import dev.warmup.server.queue.WarmupQueue;
import dev.warmup.server.resources.LimitBudget;
import dev.warmup.server.resources.ResourceManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Turns forecasts into loads and unloads: on every tick (every 30 s, soon after new usage, on a settings change, when
 * the editor's {@code initialized} lets loads reach it, when an unload held by {@link SustainedUnloads} falls due,
 * and when a silent model server's models are due to be shown as last seen)
 * it reconciles with what the model servers really have loaded, asks the {@link ExpectedValuePlanner} what should be
 * warm within the budget, unloads a model once the plan has stopped wanting it for 20 s (at once when the residents
 * no longer fit; never a model used in the last 30 s), asks other servers for the models it would keep
 * ({@link HandOvers}), and queues the loads by value in the {@link WarmupQueue}, from which {@link QueuedWarmups}
 * starts at most {@code maxConcurrentLoads} at a time; {@link BackendActions} carries the loads and unloads out.
 * Under a system-memory emergency it sheds instead ({@link EmergencyShed}, WMP-4001). Nothing here runs on an LSP
 * thread.
 */
@Singleton
public final class WarmupScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WarmupScheduler.class.getName());
    /** A kept model is renewed on its model server when it would expire within this: three periodic ticks. */
    static final long RENEW_MARGIN_MILLIS = 90_000;
    static final long NUDGE_MILLIS = 500;
    /** How soon warm-ups queued behind a busy CPU look at it again (the ResourceManager samples every 5 s). */
    static final long CPU_RECHECK_MILLIS = 5_000;
    /** How long the CPU is read for after a load of ours ends, before the next queued warm-up is judged. */
    static final long FRESH_CPU_MILLIS = 1_000;
    /** The longest a tick waits for a sample of new backends' model servers before it plans without it. */
    static final long FRESH_SAMPLE_WAIT_MILLIS = 5_000;
    static final double HORIZON_SECONDS = WarmSetPlanner.HORIZON_SECONDS;

    private final ConfigurationManager config;
    private final PredictionService prediction;
    private final ModelStates states;
    private final Clock clock;
    private final Ownership ownership;
    private final ResourceManager resources;
    private final SustainedUnloads planner;
    private final PlanCandidates candidateBuilder;
    private final QueuedWarmups queued;
    private final EmergencyShed emergencyShed;
    private final HandOvers handOvers;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warmup-scheduler");
        t.setDaemon(true);
        return t;
    });
    private final BackendActions actions;
    private final ModelServerSilence silence;
    private final Runnable publishStatus;
    private final Consumer<Map<String, Double>> showProbabilities;
    private final ImpactTrim impactTrim;
    private final AtomicBoolean loaderReadyPending = new AtomicBoolean();
    private final AtomicBoolean nudged = new AtomicBoolean();
    private final AtomicBoolean replanPending = new AtomicBoolean();
    private final AtomicBoolean cpuRecheckPending = new AtomicBoolean();
    private volatile long cpuRecheckMillis = CPU_RECHECK_MILLIS;
    private volatile boolean started; // ticking on its own: settings changes tick too
    private ScheduledFuture<?> dueTick;
    private volatile long dueTickAt = Long.MAX_VALUE; // read by tests from another thread

    @Inject
    public WarmupScheduler(ConfigurationManager config, PredictionService prediction, BackendRegistry backends,
                           ModelStates states, ModelWarmupMetrics metrics, Clock clock, WarmupCoordinator coordinator,
                           PerformancePredictor performance, ResourceManager resources, SustainedUnloads planner,
                           PlanCandidates candidateBuilder, Ownership ownership, InferredUses inferred,
                           ModelServerSilence silence, WarmupQueue queue) {
        this.ownership = ownership;
        this.planner = planner;
        this.candidateBuilder = candidateBuilder;
        this.resources = resources;
        this.config = config;
        this.prediction = prediction;
        this.states = states;
        this.clock = clock;
        this.publishStatus = coordinator::publishStatus;
        this.showProbabilities = coordinator::planProbabilities;
        this.impactTrim = new ImpactTrim(performance, coordinator::planTrimmed);
        this.silence = silence;
        silence.onUnmarked(publishStatus); // a model server answers again: its models' as-last-seen mark goes at once
        this.actions = new BackendActions(config, backends, states, metrics, performance, ownership, clock, executor,
                publishStatus, this::afterLoadOrUnload, this::replanSoon, inferred, silence, this::lookAgainForLimits);
        this.queued = new QueuedWarmups(config, queue, actions, resources, states, performance, metrics,
                this::recheckCpuSoon);
        queued.resize(config.current().maxQueueSize()); // made for the settings in force when first asked for
        this.emergencyShed = new EmergencyShed(states, ownership, actions, metrics, clock);
        this.handOvers = new HandOvers(ownership, states, planner);
        config.addListener(s -> executor.execute(() -> {
            queued.resize(s.maxQueueSize());
            actions.forgetFailures();
            if (started) {
                tickSafely(); // a lowered budget or model limit is met now, not at the next periodic tick
            }
        }));
        backends.client().onAcceptingLoads(() -> executor.execute(() -> {
            if (started) {
                tickSafely(); // loads for the editor held back until it could hear them go now
            }
        }));
        backends.client().onLoaderReady(() -> coalesced(loaderReadyPending, 0, () -> { // once, said 1,000 times
            actions.loaderReady();
            if (started) {
                tickSafely(); // what failed for want of a loader goes now, not at its back-off's end
            }
        }));
    }

    /**
     * Ticks every {@code periodSeconds} from now on, and {@value #NUDGE_MILLIS} ms after new usage (coalesced), so
     * that a forecast raised by what the developer just did is acted on while the load can still finish in time.
     */
    public void start(long periodSeconds) {
        started = true;
        executor.scheduleWithFixedDelay(this::tickSafely, 0, periodSeconds, TimeUnit.SECONDS);
        prediction.onObserved(() -> coalesced(nudged, NUDGE_MILLIS, this::tickSafely));
    }

    /**
     * Runs {@code work} on the scheduler's thread {@code delayMillis} from now, once for all the calls made before it
     * starts ({@code pending} says whether one is on its way).
     */
    private void coalesced(AtomicBoolean pending, long delayMillis, Runnable work) {
        if (!pending.getAndSet(true)) {
            executor.schedule(() -> {
                pending.set(false);
                work.run();
            }, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A load or unload of ours ended: the next queued warm-up may start, and loads the impact threshold left out of
     * the last plan may fit now (planned again at once, not at the next periodic tick). When the CPU reads busy, the
     * reading may be the load's own, taken while it ran: it is read again over the next
     * {@value #FRESH_CPU_MILLIS} ms, so that the next warm-up starts then if the CPU is free, not up to two sampling
     * periods later.
     */
    private void afterLoadOrUnload() {
        queued.drain();
        if (started && queued.any() && anyCpuBusy(config.current())) {
            // on the scheduler's thread; once it has stopped, the future only fails, and nothing waits on it
            resources.sampleAfresh(FRESH_CPU_MILLIS).thenRunAsync(this::drainAndShow, executor);
        }
        if (impactTrim.leftOutAny()) {
            replanSoon();
        }
    }

    /**
     * A model server answers again: its limits are looked for afresh before a load is sent to it (the tick that heard
     * it waits for the sample, {@link #awaitReadingOfTheBackends}; for an answer that came late, the tick asked now).
     */
    private void lookAgainForLimits() {
        resources.lookAgain();
        replanSoon();
    }

    /**
     * Plans again now (once for the calls before it runs), not at the next tick: a load failed that may be tried again
     * at once ({@link LoadBackoff}), or one ended while the impact threshold left loads out.
     */
    private void replanSoon() {
        if (started) {
            coalesced(replanPending, 0, this::tickSafely);
        }
    }

    /**
     * Warm-ups wait in the queue while the CPU is busy: they start within seconds of its being free (a build ended),
     * not at the next periodic tick, up to 30 s later. Only the queue is looked at again, not the plan.
     */
    private void recheckCpuSoon() {
        if (started && queued.any()) {
            coalesced(cpuRecheckPending, cpuRecheckMillis, this::drainAndShow); // again later if still busy
        }
    }

    /** Starts the queued warm-ups the CPU now allows, and tells the editor what still holds them back. */
    private void drainAndShow() {
        queued.drain();
        publishStatus.run();
    }

    /** Plans and acts now (on the scheduler's thread); the future completes when this tick's decisions are made. */
    public CompletableFuture<Void> tick() {
        return CompletableFuture.runAsync(this::tickSafely, executor);
    }

    private void tickSafely() {
        try {
            prediction.followStore();
            actions.reconcile();
            awaitReadingOfTheBackends();
            if (resources.emergency()) {
                impactTrim.none();
                queued.cancelAllQuietly();
                emergencyShed.shed(config.current().models(), "the machine");
                return;
            }
            WarmupSettings s = config.current();
            for (LimitBudget b : LimitPools.budgets(resources, s, states)) {
                if (b.nearlyOut()) { // its models only: the plan starts no load of them meanwhile
                    emergencyShed.shed(LimitPools.of(s, b.limit().backends()), b.limit().where());
                }
            }
            plan();
            queued.drain();
            publishStatus.run(); // the predictor may have trained since: the client hears of it if its status shows
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, new WarmupException(ErrorCode.WMP_8007, "scheduling tick: " + e).getMessage(), e);
        }
    }

    /**
     * At the server's start, and when the backends change, the memory limits of their model servers' cgroups are
     * known only once the next sample has looked for them: taken now (a few milliseconds; OSHI's start at the first),
     * rather than plan loads the limits would forbid. Past {@value #FRESH_SAMPLE_WAIT_MILLIS} ms the plan goes on with
     * what is known.
     */
    private void awaitReadingOfTheBackends() {
        if (resources.readFor(config.current())) {
            return;
        }
        try {
            resources.sampleNow().get(FRESH_SAMPLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.log(Level.FINE, "no fresh sample of the machine and the model servers: planning with the last", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void plan() {
        WarmupSettings s = config.current();
        long now = clock.millis();
        List<WarmSetPlanner.Candidate> candidates = candidateBuilder.build(s.models(), now);
        queued.planned(candidates);
        // shown while paused too: what warming would act on, were it running
        showProbabilities.accept(candidates.stream().collect(Collectors.toMap(WarmSetPlanner.Candidate::modelId,
                WarmSetPlanner.Candidate::probability, (a, b) -> a)));
        if (!config.backgroundWarmupActive()) {
            impactTrim.none();
            ownership.wantOnly(List.of());
            queued.cancel(queued.waiting(),
                    " (warming is paused or turned off)");
            return;
        }
        long budgetMb = resources.memoryBudgetMb(s, states.heldMb());
        List<WarmSetPlanner.Pool> pools = LimitPools.pools(resources, s, states);
        ownership.wantOnly(handOvers.wanted(candidates, now, budgetMb, pools, s));
        WarmSetPlanner.WarmPlan plan = planner.plan(new WarmSetPlanner.PlanRequest(now, candidates, budgetMb,
                s.maxWarmModels(), s.predictionThreshold(), pools));
        for (String id : plan.unloads()) {
            actions.unload(spec(id), false, unloadReason(queued.candidate(id), s.predictionThreshold()));
        }
        for (ModelSpec m : s.models()) { // what the plan keeps must not expire on its model server meanwhile
            // a renewal makes another program's model ours: only one the plan wants, not one waiting out the grace
            if (!plan.unloads().contains(m.id()) && (ownership.ours(m.id()) || !planner.held(m.id()))) {
                actions.keepLoaded(m, now, RENEW_MARGIN_MILLIS, s);
            }
        }
        scheduleDueTick(now);
        List<WarmSetPlanner.PlannedLoad> loads = impactTrim.affordable(plan.loads(),
                ImpactTrim.underWay(s, states, now),
                id -> s.model(id).orElseThrow(), s.performanceImpactThreshold()); // the models the plan was made of
        for (String waiting : queued.waiting()) { // its prediction withdrawn, or the impact cut it
            if (loads.stream().noneMatch(l -> l.modelId().equals(waiting))) {
                queued.cancel(List.of(waiting), impactTrim.leftOut(waiting) ? " (left out for now:"
                        + " with the loads before it, its loading would pass performanceImpactThreshold, WMP-6001)"
                        : "");
            }
        }
        for (WarmSetPlanner.PlannedLoad load : loads) {
            if (actions.backingOff(load.modelId(), now) || !actions.canSend(spec(load.modelId()))) {
                continue;
            }
            queued.offer(load);
        }
    }

    /**
     * Why the plan unloads a model, in words: not expected soon enough to be worth its memory, or (expected, but)
     * no room for it within the budget and model limit beside what the plan keeps.
     */
    private String unloadReason(WarmSetPlanner.Candidate c, double threshold) {
        if (c == null) {
            return "no longer in the plan";
        }
        String p = String.format(Locale.ROOT, "p=%.2f within %d s", c.probability(), WarmSetPlanner.HORIZON_SECONDS);
        return planner.wants(c, threshold) ? "no room within the memory budget and model limit (" + p + ")"
                : "not expected soon enough to keep (" + p + ")";
    }

    /**
     * A tick when the first unload held by the grace falls due, or a silent model server's models are due to be
     * shown as last seen, rather than at the next periodic tick.
     */
    private void scheduleDueTick(long now) {
        long due = Math.min(planner.nextDue(), silence.nextShownAt(now));
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
        }, SteadyClock.realMillis(clock, Math.max(0, due - now)), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether an unload is under way on a model server, read on the scheduler's thread once everything queued there
     * before this call has run; for tests.
     */
    CompletableFuture<Boolean> unloadPending() {
        return CompletableFuture.supplyAsync(actions::unloadPending, executor);
    }

    /** When the next tick for a held unload or an as-last-seen mark is due (Long.MAX_VALUE: none is); for tests. */
    long dueTickAt() {
        return dueTickAt;
    }

    /** The machine's CPU, or a model server's CPU quota, is busier than {@code maxCpuPercent}. */
    private boolean anyCpuBusy(WarmupSettings s) {
        return resources.cpuBusy(s) || !resources.busyBackends(s).isEmpty();
    }

    /** For tests: runs {@code r} on the scheduler's thread, so that a test can hold it and order what queues behind. */
    CompletableFuture<Void> onSchedulerThread(Runnable r) {
        return CompletableFuture.runAsync(r, executor);
    }

    /** For tests: how soon queued warm-ups look at a busy CPU again ({@link #CPU_RECHECK_MILLIS}). */
    void cpuRecheckMillis(long millis) {
        cpuRecheckMillis = millis;
    }

    /** For tests: how long a tick waits for the model servers' lists ({@link ModelServerLooks#LOOK_MILLIS}). */
    void lookMillis(long millis) {
        executor.execute(() -> actions.lookMillis(millis));
    }

    private ModelSpec spec(String id) {
        return config.current().model(id).orElse(null);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
