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
        if (h <= 0) { // one event, or sessions of one second each: no time to divide by
            out.println("(no active time: each session is a single moment; the per-hour columns are left empty)");
        } else if (h < 1) { // a history exported after a few minutes of use: rates per hour of it would mislead
            out.printf(Locale.ROOT, "(%.0f minutes of activity in all: the per-hour columns say little yet; "
                    + "compare the totals)%n", h * 60);
        }
        out.printf(Locale.ROOT, name + " %12s %10s %14s %10s %12s %10s %8s %7s%n", "policy", "cold_starts", "cold/h",
                "wait_s", "wait_s/h", "warm_gb_h", "gb_h/h", "wasted", "budget!");
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            Outcome o = e.getValue();
            out.printf(Locale.ROOT, name + " %12d %10s %14.1f %10s %12.1f %10s %8d %7d%n", e.getKey(),
                    o.coldStarts(), perHour(o.coldStarts(), h, "%.3f"), o.waitSeconds(),
                    perHour(o.waitSeconds(), h, "%.2f"), o.warmGbHours(), perHour(o.warmGbHours(), h, "%.3f"),
                    o.wastedLoads(), o.budgetViolations());
        }
    }

    /** {@code total} per active hour in {@code format}, or "-" without active time. */
    static String perHour(double total, double hours, String format) {
        return hours > 0 ? String.format(Locale.ROOT, format, total / hours) : "-";
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
