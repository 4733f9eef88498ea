package dev.warmup.server.replay.report;

import dev.warmup.server.replay.Outcome;
import dev.warmup.server.replay.TraceTotals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@code --report OUT.html}: one self-contained page (inline SVG, no scripts) plotting cold starts against warm
 * memory, per active user-hour on log-log axes, for every policy; the points of one family (its knob sweep, e.g.
 * {@code keepalive@K} or {@code predictive@X}) are joined into a curve. When the run has keep-alive's curve, a
 * second plot zooms on it and on ours, where the two are compared (the first spans every policy, the never-unloading
 * ones two decades to the right). When the run has the bar's policies and our curve, both plots shade the bar and a
 * paragraph reads our curve against it ({@link BarReading}). Below, the table.
 */
public final class HtmlReporter implements Reporter {
    /** The families the zoomed plot is drawn around. */
    private static final List<String> ZOOM_ON = List.of("keepalive", "predictive");
    /** How far the zoomed plot reaches beyond their points, as a factor on both axes. */
    private static final double MARGIN = 1.15;

    private final Path file;
    private final String title;
    private final UnaryOperator<String> family;

    /** {@code family} names the curve a policy belongs to (e.g. {@code keepalive} for {@code keepalive-10}). */
    public HtmlReporter(Path file, String title, UnaryOperator<String> family) {
        this.file = file;
        this.title = title;
        this.family = family;
    }

    @Override
    public void report(TraceTotals totals, Map<String, Outcome> outcomes) throws IOException {
        double h = totals.activeUserHours();
        Map<String, List<LogLogPlot.Point>> series = new LinkedHashMap<>();
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            series.computeIfAbsent(family.apply(e.getKey()), k -> new ArrayList<>()).add(new LogLogPlot.Point(
                    e.getKey(), Math.max(e.getValue().warmGbHours() / h, 1e-3),
                    Math.max(e.getValue().coldStarts() / h, 1e-3)));
        }
        Optional<BarReading> bar = BarReading.of(outcomes, h);
        String plots = h <= 0 ? "<p>No active time (each session is a single moment): nothing to plot per hour.</p>"
                : plots(series, bar.map(b -> new LogLogPlot.Point("the bar: no more cold starts than "
                        + BarReading.COLD_STARTS_OF + ", no more memory than " + BarReading.MEMORY_OF, b.memory(),
                        b.bar())).orElse(null)) + bar.map(b -> "<p>" + esc(b.sentence()) + "</p>").orElse("");
        StringBuilder table = new StringBuilder("<table><tr><th>policy</th><th>cold starts</th><th>per h</th>"
                + "<th>wait s</th><th>per h</th><th>warm GB·h</th><th>per h</th><th>wasted loads</th>"
                + "<th>budget violations</th></tr>");
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            Outcome o = e.getValue();
            table.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%s</td><td>%.0f</td>"
                    + "<td>%s</td><td>%.1f</td><td>%s</td><td>%d</td><td>%d</td></tr>", esc(e.getKey()),
                    o.coldStarts(), TableReporter.perHour(o.coldStarts(), h, "%.3f"), o.waitSeconds(),
                    TableReporter.perHour(o.waitSeconds(), h, "%.2f"), o.warmGbHours(),
                    TableReporter.perHour(o.warmGbHours(), h, "%.3f"), o.wastedLoads(), o.budgetViolations()));
        }
        table.append("</table>");
        String html = "<!doctype html><html><head><meta charset='utf-8'><title>" + esc(title) + "</title><style>"
                + "body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}td:first-child"
                + "{text-align:left}</style></head><body><h1>" + esc(title) + "</h1><p>" + String.format(Locale.ROOT,
                "%d users, %,d events, %,d sessions, %,.1f active user-hours, %,d requests.", totals.users(),
                totals.events(), totals.sessions(), h, totals.totalRequests()) + " Lower left is better; a family's "
                + "points (knob sweep) are joined into its curve.</p>" + plots + table + "</body></html>";
        Files.writeString(file, html);
    }

    /**
     * The plot of every family, then, when the run has keep-alive's curve, the plot zoomed on it and ours; the bar
     * ({@code bar}, null without one) shaded on both.
     */
    private static String plots(Map<String, List<LogLogPlot.Point>> series, LogLogPlot.Point bar) {
        Map<String, String> colors = LogLogPlot.colors(series.keySet());
        StringBuilder plots = new StringBuilder(plot(series.values().stream().flatMap(List::stream).toList(), false)
                .svg(series, colors, bar));
        if (series.getOrDefault(ZOOM_ON.get(0), List.of()).size() > 1) {
            LogLogPlot zoom = plot(ZOOM_ON.stream().flatMap(f -> series.getOrDefault(f, List.of()).stream()).toList(),
                    true);
            Map<String, List<LogLogPlot.Point>> shown = new LinkedHashMap<>();
            series.forEach((f, pts) -> {
                if (pts.stream().anyMatch(zoom::inside)) {
                    shown.put(f, pts);
                }
            });
            plots.append("<p>Zoomed on keep-alive's curve").append(series.containsKey("predictive") ? " and ours"
                    : "").append(" (the other policies where they fall in this range):</p>")
                    .append(zoom.svg(shown, colors, bar));
        }
        return plots.toString();
    }

    /**
     * A plot spanning {@code points}: whole decades with decade ticks, or, {@code zoomed}, just beyond them with
     * ticks at 1, 2 and 5 times each power of ten.
     */
    private static LogLogPlot plot(List<LogLogPlot.Point> points, boolean zoomed) {
        double minX = points.stream().mapToDouble(LogLogPlot.Point::gbHours).min().orElse(1);
        double maxX = points.stream().mapToDouble(LogLogPlot.Point::gbHours).max().orElse(1);
        double minY = points.stream().mapToDouble(LogLogPlot.Point::coldStarts).min().orElse(1);
        double maxY = points.stream().mapToDouble(LogLogPlot.Point::coldStarts).max().orElse(1);
        if (zoomed) {
            double x0 = minX / MARGIN, x1 = maxX * MARGIN, y0 = minY / MARGIN, y1 = maxY * MARGIN;
            return new LogLogPlot(new LogLogPlot.Axes(x0, x1, y0, y1, LogLogPlot.oneTwoFive(x0, x1),
                    LogLogPlot.oneTwoFive(y0, y1)), "zoom");
        }
        List<Double> xs = LogLogPlot.decades(minX, maxX);
        List<Double> ys = LogLogPlot.decades(minY, maxY);
        return new LogLogPlot(new LogLogPlot.Axes(xs.get(0), xs.get(xs.size() - 1), ys.get(0), ys.get(ys.size() - 1),
                xs, ys), "all");
    }

    private static String esc(String s) {
        return LogLogPlot.esc(s);
    }
}
