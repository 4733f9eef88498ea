package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.backend.ModelBackend;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.performance.PerformancePredictor;
import dev.warmup.server.queue.Priority;
import dev.warmup.server.queue.WarmupQueue;
import dev.warmup.server.resources.LimitBudget;
import dev.warmup.server.resources.ResourceManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The plan's loads on their way through the {@link WarmupQueue} (sized to {@code maxQueueSize}): offered by value (a
 * full queue sheds, WMP-5001), taken off when the plan withdraws them (WMP-5002), and started while fewer than
 * {@code maxConcurrentLoads} are in flight and the CPU, the memory budget and the model servers' limits allow. The
 * scheduler's, used on its thread; the scheduler changes the queue only through it (the status reads it too).
 */
final class QueuedWarmups {
    private static final Logger LOG = Logger.getLogger(QueuedWarmups.class.getName());
    private final ConfigurationManager config;
    private final WarmupQueue queue;
    private final BackendActions actions;
    private final ResourceManager resources;
    private final ModelStates states;
    private final PerformancePredictor performance;
    private final ModelWarmupMetrics metrics;
    private final Runnable recheckCpuSoon;
    private final Map<String, WarmSetPlanner.Candidate> planned = new HashMap<>(); // the last plan's, by model

    /** {@code recheckCpuSoon} is run when what is queued waits for the CPU or a model server's quota. */
    QueuedWarmups(ConfigurationManager config, WarmupQueue queue, BackendActions actions, ResourceManager resources,
                  ModelStates states, PerformancePredictor performance, ModelWarmupMetrics metrics,
                  Runnable recheckCpuSoon) {
        this.config = config;
        this.queue = queue;
        this.actions = actions;
        this.resources = resources;
        this.states = states;
        this.performance = performance;
        this.metrics = metrics;
        this.recheckCpuSoon = recheckCpuSoon;
    }

    /** The candidates of the plan just made: what a started load says of its forecast. */
    void planned(List<WarmSetPlanner.Candidate> candidates) {
        planned.clear();
        candidates.forEach(c -> planned.put(c.modelId(), c));
    }

    /** The last plan's candidate for {@code model}, or null. */
    WarmSetPlanner.Candidate candidate(String model) {
        return planned.get(model);
    }

    /** Queues the load of {@code load}, high priority when it is worth two cold starts or more. */
    void offer(WarmSetPlanner.PlannedLoad load) {
        Priority p = load.value() >= 2 ? Priority.HIGH : Priority.MEDIUM;
        shed(queue.offer(load.modelId(), p, load.reason()));
    }

    /** Resizes the queue to {@code capacity} ({@code maxQueueSize}), shedding what no longer fits (WMP-5001). */
    void resize(int capacity) {
        queue.resize(capacity).forEach(this::shed);
    }

    /** Counts and logs (WMP-5001) the warm-up an offer to the queue, or its resizing, shed, if it shed one. */
    private void shed(WarmupQueue.Offer offer) {
        offer.shed().ifPresent(x -> metrics.increment(ModelWarmupMetrics.Counter.QUEUE_SHED));
        offer.warning().ifPresent(w -> LOG.warning(w.getMessage()));
    }

    /** Takes the pending warm-ups of {@code models} off the queue (WMP-5002, {@code why} after each name). */
    void cancel(List<String> models, String why) {
        for (String model : models) {
            if (queue.cancel(model)) {
                metrics.warmup(ModelWarmupMetrics.Warmup.cancelled);
                LOG.info(new WarmupException(ErrorCode.WMP_5002, model + why).getMessage());
            }
        }
    }

    /** Takes every pending warm-up off the queue, without a word (warming is paused, or memory nearly out). */
    void cancelAllQuietly() {
        queue.snapshot().forEach(e -> queue.cancel(e.model()));
    }

    /** The models waiting in the queue. */
    List<String> waiting() {
        return queue.snapshot().stream().map(WarmupQueue.Entry::model).toList();
    }

    /** Whether any warm-up waits. */
    boolean any() {
        return queue.size() > 0;
    }

    /**
     * Starts queued warm-ups while fewer than {@code maxConcurrentLoads} are in flight: after a tick's plan, and when
     * a load or unload ends. None while warming is paused or off (the next tick empties the queue), memory is
     * nearly exhausted (the tick sheds) or new backends' model servers have yet to be looked for; none while the CPU
     * is busier than {@code maxCpuPercent}, which a load of ours may make it: the queue looks again soon.
     */
    void drain() {
        WarmupSettings s = config.current();
        if (!config.backgroundWarmupActive() || resources.emergency()) {
            return;
        }
        if (!resources.readFor(s)) {
            return; // new backends: the tick their change brings waits for their model servers' limits, then drains
        }
        if (resources.cpuBusy(s)) {
            recheckCpuSoon.run();
            return;
        }
        List<LimitBudget> limits = LimitPools.budgets(resources, s, states); // as the plan packed
        Set<String> busy = resources.busyBackends(s); // their model servers' CPU quotas are spent: theirs wait
        while (actions.inFlight() < s.maxConcurrentLoads()) {
            var next = queue.poll(e -> spec(s, e.model()) == null || !LimitPools.on(spec(s, e.model()), busy));
            if (next.isEmpty()) {
                if (queue.size() > 0) {
                    recheckCpuSoon.run(); // what is left waits for a quota
                }
                return;
            }
            ModelSpec m = spec(s, next.get().model());
            if (m == null || states.get(m.id()).state() != ModelStates.State.unloaded
                    && states.get(m.id()).state() != ModelStates.State.failed) {
                continue;
            }
            // as the plan packed it: measured once loaded, else the catalogue's
            long memoryMb = performance.memoryMb(m);
            if (states.heldMb() + memoryMb > resources.memoryBudgetMb(s, states.heldMb())
                    || states.residentCount() + 1 > s.maxWarmModels() || !fitsLimits(limits, s, m, memoryMb)) {
                continue; // the plan made room; what is still held is on its way out
            }
            WarmSetPlanner.Candidate c = planned.get(m.id());
            actions.load(m, s, new ModelBackend.Intent(next.get().reason(), c == null ? null : c.probability(),
                    c == null || !(c.secondsUntilNeeded() < Double.MAX_VALUE) ? null : c.secondsUntilNeeded()));
        }
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

    private static ModelSpec spec(WarmupSettings s, String id) {
        return s.model(id).orElse(null);
    }
}
