package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.PerformanceImpact;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.performance.PerformancePredictor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Cuts a plan's loads, most valuable first, where their performance impact over the plan's horizon, with the loads
 * under way, would pass {@code performanceImpactThreshold}, and says which it left out (WMP-6001): to the status
 * while it holds, to the log when what it leaves out changes (not at every tick). A load under way counts whole
 * until it ends (then the scheduler plans again) or {@code warmupTimeoutSeconds} pass. An instance is the
 * scheduler's, used on its thread; the static parts serve the {@code warmup/predict} preview too.
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

    /**
     * The {@code loads} that may go now: those of models {@code underWay} (loading already), and the first of the
     * others whose impact together with theirs is within {@code threshold}. {@code spec} names each model.
     */
    List<WarmSetPlanner.PlannedLoad> affordable(List<WarmSetPlanner.PlannedLoad> loads, List<ModelSpec> underWay,
                                                Function<String, ModelSpec> spec, double threshold) {
        List<ModelSpec> waiting = waiting(loads, underWay, spec);
        List<ModelSpec> left = waiting.subList(fitting(performance, underWay, waiting, threshold), waiting.size());
        Set<String> dropped = Set.copyOf(left.stream().map(ModelSpec::id).toList());
        if (dropped.isEmpty()) {
            none();
        } else {
            say(dropped, why(left, underWay, waiting, threshold));
        }
        return loads.stream().filter(l -> !dropped.contains(l.modelId())).toList();
    }

    /**
     * For the {@code warmup/predict} preview: the {@code loads} the scheduler would leave out, each with the seconds
     * until it may start, when the loads {@code underWay} and those before it are expected to have ended.
     */
    static Map<String, Double> waits(List<WarmSetPlanner.PlannedLoad> loads, List<ModelSpec> underWay,
                                     Function<String, ModelSpec> spec, PerformancePredictor performance,
                                     double threshold) {
        List<ModelSpec> waiting = waiting(loads, underWay, spec);
        int kept = fitting(performance, underWay, waiting, threshold);
        double before = loadSeconds(performance, underWay) + loadSeconds(performance, waiting.subList(0, kept));
        Map<String, Double> waits = new HashMap<>();
        for (ModelSpec m : waiting.subList(kept, waiting.size())) {
            waits.put(m.id(), before);
        }
        return waits;
    }

    /**
     * The models of {@code s}'s catalogue loading now, whoever started them (each keeps a core busy), and for no
     * longer than {@code warmupTimeoutSeconds}: ours have failed by then, and an editor's report of a load that never
     * said how it ended holds nothing back after it.
     */
    static List<ModelSpec> underWay(WarmupSettings s, ModelStates states, long now) {
        return s.models().stream().filter(m -> {
            ModelStates.Entry e = states.get(m.id());
            return e.state() == ModelStates.State.loading
                    && now - e.loadStartedMillis() < s.warmupTimeoutSeconds() * 1000L;
        }).toList();
    }

    /** The models of {@code loads} not {@code underWay}, in the plan's order. */
    private static List<ModelSpec> waiting(List<WarmSetPlanner.PlannedLoad> loads, List<ModelSpec> underWay,
                                   Function<String, ModelSpec> spec) {
        Set<String> busy = Set.copyOf(underWay.stream().map(ModelSpec::id).toList());
        return loads.stream().map(WarmSetPlanner.PlannedLoad::modelId).filter(id -> !busy.contains(id)).map(spec)
                .toList();
    }

    /** How many of {@code waiting}, from the first, may load beside those {@code underWay} within the threshold. */
    private static int fitting(PerformancePredictor performance, List<ModelSpec> underWay, List<ModelSpec> waiting,
                       double threshold) {
        int kept = waiting.size();
        while (kept > 0 && !impact(performance, underWay, waiting.subList(0, kept), threshold).isAcceptable()) {
            kept--;
        }
        return kept;
    }

    /** Whether the last plan had loads left out. */
    boolean leftOutAny() {
        return !leftOut.isEmpty();
    }

    /** Whether the last plan left {@code modelId}'s load out. */
    boolean leftOut(String modelId) {
        return leftOut.contains(modelId);
    }

    /** Nothing is left out: no plan was made (warming paused, or memory short). */
    void none() {
        say(Set.of(), null);
    }

    private static PerformanceImpact impact(PerformancePredictor performance, List<ModelSpec> underWay,
                                            List<ModelSpec> planned, double threshold) {
        List<ModelSpec> all = new ArrayList<>(underWay);
        all.addAll(planned);
        return performance.assessImpact(all, HORIZON_SECONDS, threshold);
    }

    /** The expected load seconds of {@code models} together. */
    private static double loadSeconds(PerformancePredictor performance, List<ModelSpec> models) {
        return models.stream().mapToDouble(performance::expectedLoadSeconds).sum();
    }

    private void say(Set<String> dropped, String why) {
        show.accept(why == null ? List.of() : List.of(why));
        if (why != null && !leftOut.equals(dropped)) {
            LOG.info(why);
        }
        leftOut = dropped;
    }

    /** WMP-6001 for the {@code dropped}: what all the loads, under way and {@code planned}, would cost together. */
    private String why(List<ModelSpec> dropped, List<ModelSpec> underWay, List<ModelSpec> planned, double threshold) {
        double seconds = loadSeconds(performance, underWay) + loadSeconds(performance, planned);
        return new WarmupException(ErrorCode.WMP_6001, String.format(Locale.ROOT,
                "not loading %s now: the loads %s, about %.0f s of loading, would keep %.1f %% of this machine's"
                        + " cores busy over the next %d minutes, above performanceImpactThreshold's %.1f %%",
                String.join(", ", dropped.stream().map(ModelSpec::id).toList()),
                underWay.isEmpty() ? "planned" : "under way and planned", seconds,
                impact(performance, underWay, planned, threshold).cpuImpactPercent(), HORIZON_SECONDS / 60,
                100 * threshold)).getMessage();
    }
}
