package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.PerformanceImpact;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.performance.PerformancePredictor;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Cuts a plan's loads, most valuable first, where their performance impact over the plan's horizon would pass
 * {@code performanceImpactThreshold}, and says which it left out (WMP-6001): to the status while it holds, to the
 * log when what it leaves out changes (not at every tick). Used on the scheduler's thread only.
 */
final class ImpactTrim {
    private static final Logger LOG = Logger.getLogger(ImpactTrim.class.getName());
    private static final int HORIZON_SECONDS = WarmSetPlanner.HORIZON_SECONDS;
    private final PerformancePredictor performance;
    private final Consumer<List<String>> show;
    private Set<String> leftOut = Set.of();

    /** {@code show} is given the WMP-6001 message while loads are left out, an empty list when none are. */
    ImpactTrim(PerformancePredictor performance, Consumer<List<String>> show) {
        this.performance = performance;
        this.show = show;
    }

    /** The first of {@code loads} whose impact together is within {@code threshold}; {@code spec} names each model. */
    List<WarmSetPlanner.PlannedLoad> affordable(List<WarmSetPlanner.PlannedLoad> loads,
                                                Function<String, ModelSpec> spec, double threshold) {
        List<ModelSpec> all = loads.stream().map(l -> spec.apply(l.modelId())).toList();
        int kept = all.size();
        while (kept > 0
                && !performance.assessImpact(all.subList(0, kept), HORIZON_SECONDS, threshold).isAcceptable()) {
            kept--;
        }
        List<String> dropped = all.subList(kept, all.size()).stream().map(ModelSpec::id).toList();
        if (dropped.isEmpty()) {
            none();
        } else {
            say(dropped, why(dropped, all, performance.assessImpact(all, HORIZON_SECONDS, threshold), threshold));
        }
        return loads.subList(0, kept);
    }

    /** Nothing is left out: no plan was made (warming paused, or memory short). */
    void none() {
        say(List.of(), null);
    }

    private void say(List<String> dropped, String why) {
        show.accept(why == null ? List.of() : List.of(why));
        if (why != null && !leftOut.equals(Set.copyOf(dropped))) {
            LOG.info(why);
        }
        leftOut = Set.copyOf(dropped);
    }

    /** WMP-6001 for the {@code dropped} of {@code all} the loads planned, whose impact together is {@code whole}. */
    private String why(List<String> dropped, List<ModelSpec> all, PerformanceImpact whole, double threshold) {
        return new WarmupException(ErrorCode.WMP_6001, String.format(Locale.ROOT,
                "not loading %s now: the loads planned, about %.0f s of loading, would keep %.1f %% of this"
                        + " machine's cores busy over the next %d minutes, above performanceImpactThreshold's %.1f %%",
                String.join(", ", dropped), all.stream().mapToDouble(performance::expectedLoadSeconds).sum(),
                whole.cpuImpactPercent(), HORIZON_SECONDS / 60, 100 * threshold)).getMessage();
    }
}
