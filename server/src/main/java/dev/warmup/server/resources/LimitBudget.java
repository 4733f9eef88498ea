package dev.warmup.server.resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * A model server's cgroup memory limit as a budget for the models of the backends it serves, besides the machine's.
 *
 * @param limit     the limit, and what it leaves
 * @param reserveMb what is kept free in it: 5 % of the limit, at most 1024 MB; below it, the limit is nearly out of
 *                  memory (WMP-4001): no load of its backends' models starts, and they are unloaded
 * @param heldMb    what our models of its backends hold now
 * @param budgetMb  what its backends' models may hold: what they hold now and what the limit leaves above the reserve
 */
public record LimitBudget(SystemProbe.MemoryLimit limit, long reserveMb, long heldMb, long budgetMb) {
    /** The budgets of the limits in {@code s}; {@code heldOn} says what our models of some backends hold now (MB). */
    static List<LimitBudget> of(SystemProbe.Snapshot s, ToLongFunction<Set<String>> heldOn) {
        List<LimitBudget> out = new ArrayList<>();
        for (SystemProbe.MemoryLimit l : s.memoryLimits()) {
            long reserve = ResourceManager.reserveMb(l.limitMb());
            long held = heldOn.applyAsLong(l.backends());
            out.add(new LimitBudget(l, reserve, held, held + Math.max(0, l.availableMb() - reserve)));
        }
        return out;
    }

    public boolean nearlyOut() {
        return limit.availableMb() < reserveMb;
    }

    /** "the models of backend local", of each backend it serves. */
    public String models() {
        return modelsOf(limit.backends());
    }

    /** "the models of backend local, box". */
    static String modelsOf(Set<String> backends) {
        return "the models of backend " + String.join(", ", new TreeSet<>(backends));
    }
}
