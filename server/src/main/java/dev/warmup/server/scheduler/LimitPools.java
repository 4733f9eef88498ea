package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.queue.WarmupQueue;
import dev.warmup.server.resources.LimitBudget;
import dev.warmup.server.resources.ResourceManager;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The limits of the model servers' cgroups in terms of the catalogue: which models each memory limit
 * ({@link ResourceManager#limitBudgets}) bounds (those of the backends its model server serves), what they hold, the
 * planner's {@link WarmSetPlanner.Pool}s, and which backends' warm-ups wait in the queue (for a busy CPU quota's
 * WMP-4004). A model of another backend, or of the client, is bounded by the machine alone.
 */
final class LimitPools {
    private LimitPools() {
    }

    /** What our models of {@code backends} hold now, warm or loading (MB). */
    static long heldOn(WarmupSettings s, ModelStates states, Set<String> backends) {
        long held = 0;
        for (ModelSpec m : of(s, backends)) {
            ModelStates.Entry e = states.get(m.id());
            held += e.state() == ModelStates.State.warm || e.state() == ModelStates.State.loading ? e.memoryMb() : 0;
        }
        return held;
    }

    /** The limits' budgets now. */
    static List<LimitBudget> budgets(ResourceManager resources, WarmupSettings s, ModelStates states) {
        return resources.limitBudgets(backends -> heldOn(s, states, backends));
    }

    /** The limits' budgets as the planner's pools. */
    static List<WarmSetPlanner.Pool> pools(ResourceManager resources, WarmupSettings s, ModelStates states) {
        return budgets(resources, s, states).stream().map(b -> new WarmSetPlanner.Pool(
                of(s, b.limit().backends()).stream().map(ModelSpec::id).collect(Collectors.toSet()), b.budgetMb()))
                .toList();
    }

    /** What our models hold and what waits to load, for {@link ResourceManager#heldBack}. */
    static ResourceManager.Ours ours(WarmupSettings s, ModelStates states, WarmupQueue queue) {
        List<WarmupQueue.Entry> waiting = queue.snapshot();
        return new ResourceManager.Ours(states.heldMb(), backends -> heldOn(s, states, backends), !waiting.isEmpty(),
                backends -> waiting.stream().anyMatch(e -> s.model(e.model()).map(m -> on(m, backends)).orElse(false)));
    }

    /** Whether {@code m} is a model of one of {@code backends}. */
    static boolean on(ModelSpec m, Set<String> backends) {
        return m.backend() != null && backends.contains(m.backend());
    }

    /** The catalogue's models of {@code backends}. */
    static List<ModelSpec> of(WarmupSettings s, Set<String> backends) {
        return s.models().stream().filter(m -> on(m, backends)).toList();
    }
}
