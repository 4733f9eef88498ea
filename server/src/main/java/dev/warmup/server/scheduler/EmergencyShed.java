package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;

/**
 * Memory is nearly exhausted, the machine's or a model server's cgroup's: unloads our least recently used warm model
 * not in use (WMP-4001; only ours: another server sheds its own). One per tick: its memory comes back only once the
 * model server has unloaded it, and the next tick looks again. The scheduler's, used on its thread.
 */
final class EmergencyShed {
    private static final Logger LOG = Logger.getLogger(EmergencyShed.class.getName());
    private final ModelStates states;
    private final Ownership ownership;
    private final BackendActions actions;
    private final ModelWarmupMetrics metrics;
    private final Clock clock;

    EmergencyShed(ModelStates states, Ownership ownership, BackendActions actions, ModelWarmupMetrics metrics,
                  Clock clock) {
        this.states = states;
        this.ownership = ownership;
        this.actions = actions;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Unloads one of {@code among}, if none is on its way out already; {@code where} is nearly out of memory. */
    void shed(List<ModelSpec> among, String where) {
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
}
