package dev.warmup.server.replay;

import java.util.List;
import java.util.stream.IntStream;

/**
 * What one policy did on one or more users (EVALUATION.md §4), summed.
 *
 * @param coldStarts       requests that found their model loading or unloaded
 * @param waitMillis       total time users waited for loads
 * @param mbMillis         integral of loaded memory over time (MB × ms; 1 GB = 1000 MB)
 * @param loads            loads started (by requests and pre-warms)
 * @param wastedLoads      pre-warms that no request reached before their unload
 * @param budgetViolations instants where the audit of recorded load intervals found the budget or model limit broken
 * @param byModel          the same, model by model of the catalogue (empty for no user)
 */
public record Outcome(long coldStarts, long waitMillis, double mbMillis, long loads, long wastedLoads,
                      long budgetViolations, List<ModelTally> byModel) {
    public static final Outcome ZERO = new Outcome(0, 0, 0, 0, 0, 0, List.of());

    public Outcome plus(Outcome o) {
        List<ModelTally> models = byModel.isEmpty() ? o.byModel : o.byModel.isEmpty() ? byModel
                : IntStream.range(0, byModel.size()).mapToObj(m -> byModel.get(m).plus(o.byModel.get(m))).toList();
        return new Outcome(coldStarts + o.coldStarts, waitMillis + o.waitMillis, mbMillis + o.mbMillis,
                loads + o.loads, wastedLoads + o.wastedLoads, budgetViolations + o.budgetViolations, models);
    }

    public double waitSeconds() {
        return waitMillis / 1000.0;
    }

    public double warmGbHours() {
        return mbMillis / 1000.0 / 3_600_000.0;
    }
}
