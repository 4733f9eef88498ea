package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.SteadyClock;
import dev.warmup.server.backend.BackendRegistry;
import dev.warmup.server.backend.ModelBackend;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.performance.PerformancePredictor;
import dev.warmup.server.prediction.PredictionService;
import dev.warmup.server.queue.Priority;
import dev.warmup.server.queue.WarmupQueue;
import dev.warmup.server.resources.LimitBudget;
import dev.warmup.server.resources.ResourceManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 * no longer fit; never a model used in the last 30 s), queues the loads by value in the {@link WarmupQueue} and
 * starts at most {@code maxConcurrentLoads} at a time; {@link BackendActions} carries the loads and unloads out.
 * Under a system-memory emergency it sheds instead (WMP-4001). Nothing here runs on an LSP thread.
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
    private final ModelWarmupMetrics metrics;
    private final Clock clock;
    private final PerformancePredictor performance;
    private final Ownership ownership;
    private final ResourceManager resources;
    private final SustainedUnloads planner;
    private final PlanCandidates candidateBuilder;
    private final WarmupQueue queue;
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
    private final Map<String, WarmSetPlanner.Candidate> planned = new HashMap<>(); // the last plan's, by model
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
        this.performance = performance;
        this.resources = resources;
        this.config = config;
        this.prediction = prediction;
        this.states = states;
        this.metrics = metrics;
        this.clock = clock;
        this.queue = queue;
        queue.resize(config.current().maxQueueSize()); // made for the settings in force when first asked for
        this.publishStatus = coordinator::publishStatus;
        this.showProbabilities = coordinator::planProbabilities;
        this.impactTrim = new ImpactTrim(performance, coordinator::planTrimmed);
        this.silence = silence;
        silence.onUnmarked(publishStatus); // a model server answers again: its models' as-last-seen mark goes at once
        this.actions = new BackendActions(config, backends, states, metrics, performance, ownership, clock, executor,
                publishStatus, this::afterLoadOrUnload, this::replanSoon, inferred, silence, this::lookAgainForLimits);
        config.addListener(s -> executor.execute(() -> {
            queue.resize(s.maxQueueSize()).forEach(this::shed);
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
        drain();
        if (started && queue.size() > 0 && anyCpuBusy(config.current())) {
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
        if (started && queue.size() > 0) {
            coalesced(cpuRecheckPending, cpuRecheckMillis, this::drainAndShow); // again later if still busy
        }
    }

    /** Starts the queued warm-ups the CPU now allows, and tells the editor what still holds them back. */
    private void drainAndShow() {
        drain();
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
                queue.snapshot().forEach(e -> queue.cancel(e.model()));
                shedForEmergency(config.current().models(), "the machine");
                return;
            }
            WarmupSettings s = config.current();
            for (LimitBudget b : LimitPools.budgets(resources, s, states)) {
                if (b.nearlyOut()) { // its models only: the plan starts no load of them meanwhile
                    shedForEmergency(LimitPools.of(s, b.limit().backends()), b.limit().where());
                }
            }
            plan();
            drain();
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

    /**
     * The models another server holds that our plan would keep if each were ours (pinned by nothing but its use here,
     * the others as they are), within the budget and the model limit: asked for, so that their holder hands them over
     * rather than unloading them. One the plan would want but not fit is not asked for: handed over, it would be
     * unloaded at once.
     */
    private List<ModelSpec> wantedFromOthers(List<WarmSetPlanner.Candidate> candidates, long now, long budgetMb,
                                             List<WarmSetPlanner.Pool> pools, WarmupSettings s) {
        List<ModelSpec> wanted = new ArrayList<>();
        for (WarmSetPlanner.Candidate c : candidates) {
            if (!ownership.heldByAnotherServer(c.modelId())) {
                continue;
            }
            WarmSetPlanner.Candidate ours = c.withInUse(states.get(c.modelId()).inUse(now));
            if (!planner.wants(ours, s.predictionThreshold())) {
                continue;
            }
            List<WarmSetPlanner.Candidate> asOurs = candidates.stream().map(o -> o == c ? ours : o).toList();
            if (!planner.wouldUnload(new WarmSetPlanner.PlanRequest(now, asOurs, budgetMb, s.maxWarmModels(),
                    s.predictionThreshold(), pools)).contains(c.modelId())) {
                wanted.add(spec(c.modelId()));
            }
        }
        return wanted;
    }

    private void plan() {
        WarmupSettings s = config.current();
        planned.clear();
        long now = clock.millis();
        List<WarmSetPlanner.Candidate> candidates = candidateBuilder.build(s.models(), now);
        candidates.forEach(c -> planned.put(c.modelId(), c));
        // shown while paused too: what warming would act on, were it running
        showProbabilities.accept(candidates.stream().collect(Collectors.toMap(WarmSetPlanner.Candidate::modelId,
                WarmSetPlanner.Candidate::probability, (a, b) -> a)));
        if (!config.backgroundWarmupActive()) {
            impactTrim.none();
            ownership.wantOnly(List.of());
            cancelQueued(queue.snapshot().stream().map(WarmupQueue.Entry::model).toList(),
                    " (warming is paused or turned off)");
            return;
        }
        long budgetMb = resources.memoryBudgetMb(s, states.heldMb());
        List<WarmSetPlanner.Pool> pools = LimitPools.pools(resources, s, states);
        ownership.wantOnly(wantedFromOthers(candidates, now, budgetMb, pools, s));
        WarmSetPlanner.WarmPlan plan = planner.plan(new WarmSetPlanner.PlanRequest(now, candidates, budgetMb,
                s.maxWarmModels(), s.predictionThreshold(), pools));
        for (String id : plan.unloads()) {
            actions.unload(spec(id), false, unloadReason(planned.get(id), s.predictionThreshold()));
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
        for (WarmupQueue.Entry queued : queue.snapshot()) { // its prediction withdrawn, or the impact cut it
            if (loads.stream().noneMatch(l -> l.modelId().equals(queued.model()))) {
                cancelQueued(List.of(queued.model()), impactTrim.leftOut(queued.model()) ? " (left out for now:"
                        + " with the loads before it, its loading would pass performanceImpactThreshold, WMP-6001)"
                        : "");
            }
        }
        for (WarmSetPlanner.PlannedLoad load : loads) {
            if (actions.backingOff(load.modelId(), now) || !actions.canSend(spec(load.modelId()))) {
                continue;
            }
            Priority p = load.value() >= 2 ? Priority.HIGH : Priority.MEDIUM;
            shed(queue.offer(load.modelId(), p, load.reason()));
        }
    }

    /** Counts and logs (WMP-5001) the warm-up an offer to the queue, or its resizing, shed, if it shed one. */
    private void shed(WarmupQueue.Offer offer) {
        offer.shed().ifPresent(x -> metrics.increment(ModelWarmupMetrics.Counter.QUEUE_SHED));
        offer.warning().ifPresent(w -> LOG.warning(w.getMessage()));
    }

    /** Takes the pending warm-ups of {@code models} off the queue (WMP-5002, {@code why} after each name). */
    private void cancelQueued(List<String> models, String why) {
        for (String model : models) {
            if (queue.cancel(model)) {
                metrics.warmup(ModelWarmupMetrics.Warmup.cancelled);
                LOG.info(new WarmupException(ErrorCode.WMP_5002, model + why).getMessage());
            }
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

    /**
     * Memory is nearly exhausted, the machine's or a model server's cgroup's ({@code where}): unload our least recently
     * used warm model of {@code among} not in use (WMP-4001; only ours: another server sheds its own). One per tick:
     * its memory comes back only once the model server has unloaded it, and the next tick looks again.
     */
    private void shedForEmergency(List<ModelSpec> among, String where) {
        List<ModelSpec> warm = new ArrayList<>(among.stream()
                .filter(m -> states.get(m.id()).state() == ModelStates.State.warm)
                .filter(m -> !states.get(m.id()).inUse(clock.millis()) && ownership.ours(m.id())).toList());
        warm.sort(Comparator.comparingLong(m -> states.get(m.id()).lastUsedMillis()));
        if (actions.unloadPending() || warm.isEmpty()) {
            return; // an unload is on its way: wait for its memory before judging again
        }
        ModelSpec m = warm.get(0);
        LOG.warning(new WarmupException(ErrorCode.WMP_4001, "unloading " + m.id() + ": " + where
                + " is nearly out of memory").getMessage());
        metrics.increment(ModelWarmupMetrics.Counter.EMERGENCY_UNLOADS);
        actions.unload(m, true, where + " is nearly out of memory (WMP-4001)");
    }

    /**
     * Starts queued warm-ups while fewer than {@code maxConcurrentLoads} are in flight: after a tick's plan, and when
     * a load or unload ends. None while warming is paused or off (the next tick empties the queue), memory is
     * nearly exhausted (the tick sheds) or new backends' model servers have yet to be looked for; none while the CPU is busier than {@code maxCpuPercent}, which a load of
     * ours may make it: the queue looks again soon.
     */
    private void drain() {
        WarmupSettings s = config.current();
        if (!config.backgroundWarmupActive() || resources.emergency()) {
            return;
        }
        if (!resources.readFor(s)) {
            return; // new backends: the tick their change brings waits for their model servers' limits, then drains
        }
        if (resources.cpuBusy(s)) {
            recheckCpuSoon();
            return;
        }
        List<LimitBudget> limits = LimitPools.budgets(resources, s, states); // as the plan packed
        Set<String> busy = resources.busyBackends(s); // their model servers' CPU quotas are spent: theirs wait
        while (actions.inFlight() < s.maxConcurrentLoads()) {
            var next = queue.poll(e -> spec(e.model()) == null || !LimitPools.on(spec(e.model()), busy));
            if (next.isEmpty()) {
                if (queue.size() > 0) {
                    recheckCpuSoon(); // what is left waits for a quota
                }
                return;
            }
            ModelSpec m = spec(next.get().model());
            if (m == null || states.get(m.id()).state() != ModelStates.State.unloaded
                    && states.get(m.id()).state() != ModelStates.State.failed) {
                continue;
            }
            long memoryMb = performance.memoryMb(m); // as the plan packed it: measured once loaded, else the catalogue's
            if (states.heldMb() + memoryMb > resources.memoryBudgetMb(s, states.heldMb())
                    || states.residentCount() + 1 > s.maxWarmModels() || !fitsLimits(limits, s, m, memoryMb)) {
                continue; // the plan made room; what is still held is on its way out
            }
            WarmSetPlanner.Candidate c = planned.get(m.id());
            actions.load(m, s, new ModelBackend.Intent(next.get().reason(), c == null ? null : c.probability(),
                    c == null || !(c.secondsUntilNeeded() < Double.MAX_VALUE) ? null : c.secondsUntilNeeded()));
        }
    }

    /** The machine's CPU, or a model server's CPU quota, is busier than {@code maxCpuPercent}. */
    private boolean anyCpuBusy(WarmupSettings s) {
        return resources.cpuBusy(s) || !resources.busyBackends(s).isEmpty();
    }

    /** Whether {@code m} fits beside what the models in each model server's memory limit it is in hold now. */
    private boolean fitsLimits(List<LimitBudget> limits, WarmupSettings s, ModelSpec m, long memoryMb) {
        for (LimitBudget b : limits) {
            if (LimitPools.on(m, b.limit().backends())
                    && LimitPools.heldOn(s, states, b.limit().backends()) + memoryMb > b.budgetMb()) {
                return false;
            }
        }
        return true;
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
