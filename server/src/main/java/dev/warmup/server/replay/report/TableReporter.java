package dev.warmup.server.replay.report;

import dev.warmup.server.replay.Outcome;
import dev.warmup.server.replay.TraceTotals;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The EVALUATION.md §4 table, totals and per active user-hour, as plain text. */
public final class TableReporter implements Reporter {
    private final PrintStream out;

    public TableReporter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void report(TraceTotals totals, Map<String, Outcome> outcomes) {
        double h = totals.activeUserHours();
        String name = "%-" + nameWidth(outcomes) + "s";
        out.printf(Locale.ROOT, "%d users, %,d events, %,d sessions, %,.1f active user-hours, %,d requests %s%n",
                totals.users(), totals.events(), totals.sessions(), h, totals.totalRequests(), totals.requests());
        if (h < 1) { // a history exported after a few minutes of use: rates per hour of it would mislead
            out.printf(Locale.ROOT, "(%.0f minutes of activity in all: the per-hour columns say little yet; "
                    + "compare the totals)%n", h * 60);
        }
        out.printf(Locale.ROOT, name + " %12s %10s %14s %10s %12s %10s %8s %7s%n", "policy", "cold_starts", "cold/h",
                "wait_s", "wait_s/h", "warm_gb_h", "gb_h/h", "wasted", "budget!");
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            Outcome o = e.getValue();
            out.printf(Locale.ROOT, name + " %12d %10.3f %14.1f %10.2f %12.1f %10.3f %8d %7d%n", e.getKey(),
                    o.coldStarts(), o.coldStarts() / h, o.waitSeconds(), o.waitSeconds() / h, o.warmGbHours(),
                    o.warmGbHours() / h, o.wastedLoads(), o.budgetViolations());
        }
    }

    /** Wide enough for the longest policy name, and at least 22 characters. */
    static int nameWidth(Map<String, Outcome> outcomes) {
        int w = 22;
        for (String name : outcomes.keySet()) {
            w = Math.max(w, name.length());
        }
        return w;
    }
}
