package dev.warmup.server.replay.report;

import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.ModelTally;
import dev.warmup.server.replay.Outcome;
import dev.warmup.server.replay.TraceTotals;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Where each policy's cold starts and memory went, model by model ({@code replay --by-model}): requests that found
 * the model unloaded, requests that found it loading (the rest of a burst behind a miss, or a pre-warm started too
 * late) and how many of those were the first to reach a late pre-warm, how many of all those cold starts were a
 * session's first request of a task or its burst, and its warm GB·h with the part held by pre-warms no request
 * reached; per active user-hour.
 */
public final class ModelTableReporter implements Reporter {
    private final PrintStream out;
    private final Catalog catalog;

    public ModelTableReporter(PrintStream out, Catalog catalog) {
        this.out = out;
        this.catalog = catalog;
    }

    @Override
    public void report(TraceTotals totals, Map<String, Outcome> outcomes) {
        double h = totals.activeUserHours();
        String name = "%-" + TableReporter.nameWidth(outcomes) + "s";
        out.printf(Locale.ROOT, "%n" + name + " %-14s %10s %14s %13s %14s %10s %12s%n", "policy", "model",
                "misses/h", "whileLoading/h", "latePrewarm/h", "sessionFirst/h", "gb_h/h", "wasted_gb_h/h");
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            for (int m = 0; m < e.getValue().byModel().size(); m++) {
                ModelTally t = e.getValue().byModel().get(m);
                out.printf(Locale.ROOT, name + " %-14s %10.3f %14.3f %13.3f %14.3f %10.3f %12.3f%n", e.getKey(),
                        catalog.model(m), t.misses() / h, t.whileLoading() / h, t.latePrewarms() / h,
                        t.sessionFirst() / h, t.mbMillis() / 3.6e9 / h, t.wastedMbMillis() / 3.6e9 / h);
            }
        }
    }
}
