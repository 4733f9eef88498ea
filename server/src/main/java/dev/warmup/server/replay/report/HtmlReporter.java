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
import java.util.function.UnaryOperator;

/**
 * {@code --report OUT.html}: one self-contained page (inline SVG, no scripts) plotting cold starts against warm
 * memory, per active user-hour on log-log axes, for every policy; the points of one family (its knob sweep, e.g.
 * {@code keepalive@K} or {@code predictive@X}) are joined into a curve. Below the plot, the table.
 */
public final class HtmlReporter implements Reporter {
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int W = 900;
    private static final int H = 560;
    private static final int PAD = 70;

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
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        Map<String, List<String>> labels = new LinkedHashMap<>();
        double minX = Double.MAX_VALUE, maxX = 0, minY = Double.MAX_VALUE, maxY = 0;
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            double x = Math.max(e.getValue().warmGbHours() / h, 1e-3);
            double y = Math.max(e.getValue().coldStarts() / h, 1e-3);
            series.computeIfAbsent(family.apply(e.getKey()), k -> new ArrayList<>()).add(new double[] {x, y});
            labels.computeIfAbsent(family.apply(e.getKey()), k -> new ArrayList<>()).add(e.getKey());
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
        }
        double lx0 = Math.floor(Math.log10(minX)), lx1 = Math.ceil(Math.log10(maxX));
        double ly0 = Math.floor(Math.log10(minY)), ly1 = Math.ceil(Math.log10(maxY));
        lx1 = Math.max(lx1, lx0 + 1);
        ly1 = Math.max(ly1, ly0 + 1);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                + "font-family='sans-serif' font-size='12'>", W, H));
        for (double d = lx0; d <= lx1; d++) {
            double px = px(d, lx0, lx1);
            svg.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/>"
                    + "<text x='%.1f' y='%d' text-anchor='middle'>%s</text>", px, PAD, px, H - PAD, px, H - PAD + 18,
                    tick(d)));
        }
        for (double d = ly0; d <= ly1; d++) {
            double py = py(d, ly0, ly1);
            svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>"
                    + "<text x='%d' y='%.1f' text-anchor='end'>%s</text>", PAD, py, W - PAD, py, PAD - 6, py + 4,
                    tick(d)));
        }
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>warm memory, GB·h per active "
                + "user-hour (log)</text><text transform='translate(18 %d) rotate(-90)' text-anchor='middle'>cold "
                + "starts per active user-hour (log)</text>", W / 2, H - 20, H / 2));
        int c = 0;
        int legendY = PAD;
        for (Map.Entry<String, List<double[]>> s : series.entrySet()) {
            boolean ours = s.getKey().equals("predictive"); // our policy stands out: black, a thicker line
            String color = ours ? "#000000" : COLORS[c++ % COLORS.length];
            List<double[]> pts = new ArrayList<>(s.getValue());
            List<String> names = labels.get(s.getKey());
            if (pts.size() > 1) {
                List<double[]> sorted = new ArrayList<>(pts);
                sorted.sort((a, b) -> Double.compare(a[0], b[0]));
                StringBuilder poly = new StringBuilder();
                for (double[] p : sorted) {
                    poly.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(Math.log10(p[0]), lx0, lx1),
                            py(Math.log10(p[1]), ly0, ly1)));
                }
                svg.append("<polyline fill='none' stroke='").append(color).append(ours ? "' stroke-width='2.5"
                        : "").append("' points='").append(poly).append("'/>");
            }
            for (int i = 0; i < pts.size(); i++) {
                double x = px(Math.log10(pts.get(i)[0]), lx0, lx1);
                double y = py(Math.log10(pts.get(i)[1]), ly0, ly1);
                svg.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='4' fill='%s'><title>%s: %.3f "
                        + "cold/h at %.3f GB·h/h</title></circle>", x, y, color, esc(names.get(i)), pts.get(i)[1],
                        pts.get(i)[0]));
            }
            svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='10' height='10' fill='%s'/><text x='%d' "
                    + "y='%d'>%s</text>", W - PAD - 150, legendY, color, W - PAD - 135, legendY + 10,
                    esc(s.getKey())));
            legendY += 16;
        }
        svg.append("</svg>");
        StringBuilder table = new StringBuilder("<table><tr><th>policy</th><th>cold starts</th><th>per h</th>"
                + "<th>wait s</th><th>per h</th><th>warm GB·h</th><th>per h</th><th>wasted loads</th>"
                + "<th>budget violations</th></tr>");
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            Outcome o = e.getValue();
            table.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%.3f</td><td>%.0f</td>"
                    + "<td>%.2f</td><td>%.1f</td><td>%.3f</td><td>%d</td><td>%d</td></tr>", esc(e.getKey()),
                    o.coldStarts(), o.coldStarts() / h, o.waitSeconds(), o.waitSeconds() / h, o.warmGbHours(),
                    o.warmGbHours() / h, o.wastedLoads(), o.budgetViolations()));
        }
        table.append("</table>");
        String html = "<!doctype html><html><head><meta charset='utf-8'><title>" + esc(title) + "</title><style>"
                + "body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}td:first-child"
                + "{text-align:left}</style></head><body><h1>" + esc(title) + "</h1><p>" + String.format(Locale.ROOT,
                "%d users, %,d events, %,d sessions, %,.1f active user-hours, %,d requests.", totals.users(),
                totals.events(), totals.sessions(), h, totals.totalRequests()) + " Lower left is better; a family's "
                + "points (knob sweep) are joined into its curve.</p>" + svg + table + "</body></html>";
        Files.writeString(file, html);
    }

    private static double px(double logX, double lx0, double lx1) {
        return PAD + (logX - lx0) / (lx1 - lx0) * (W - 2 * PAD);
    }

    private static double py(double logY, double ly0, double ly1) {
        return H - PAD - (logY - ly0) / (ly1 - ly0) * (H - 2 * PAD);
    }

    private static String tick(double decade) {
        double v = Math.pow(10, decade);
        return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
