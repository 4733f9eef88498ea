package dev.warmup.server.replay.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One SVG plot of cold starts against warm memory on log-log axes over a given range: each family's points (its knob
 * sweep) joined into a curve, our policy ({@code predictive}) black and thicker, a legend. Points outside the range
 * are left out and curves are clipped at the axes, so that a plot may zoom on part of what the report has.
 */
final class LogLogPlot {
    /** A point of a family's curve: the policy's name, warm GB·h and cold starts, both per active user-hour. */
    record Point(String name, double gbHours, double coldStarts) {}

    /** A range of the axes and the values to mark on them. */
    record Axes(double x0, double x1, double y0, double y1, List<Double> xTicks, List<Double> yTicks) {}

    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int W = 900;
    private static final int H = 560;
    private static final int PAD = 70;
    /** Points closer than this, in pixels, would hide each other. */
    private static final double OVERLAP = 5;

    private final Axes axes;
    private final String id;

    /** {@code id} names the plot's clip path, unique on its page. */
    LogLogPlot(Axes axes, String id) {
        this.axes = axes;
        this.id = id;
    }

    /** Decade ticks over the decades that hold every value from {@code min} to {@code max}. */
    static List<Double> decades(double min, double max) {
        List<Double> ticks = new ArrayList<>();
        for (double d = Math.floor(Math.log10(min)); d <= Math.max(Math.ceil(Math.log10(max)),
                Math.floor(Math.log10(min)) + 1); d++) {
            ticks.add(Math.pow(10, d));
        }
        return ticks;
    }

    /** The values 1, 2 and 5 times a power of ten from {@code min} to {@code max}. */
    static List<Double> oneTwoFive(double min, double max) {
        List<Double> ticks = new ArrayList<>();
        for (double d = Math.floor(Math.log10(min)); d <= Math.ceil(Math.log10(max)); d++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, d);
                if (v >= min && v <= max) {
                    ticks.add(v);
                }
            }
        }
        return ticks;
    }

    /**
     * A colour for each of {@code families}, in order, so that a family has the same colour in every plot of a page:
     * our policy ({@code predictive}) black, the others from a palette.
     */
    static Map<String, String> colors(Collection<String> families) {
        Map<String, String> colors = new HashMap<>();
        int c = 0;
        for (String f : families) {
            colors.put(f, f.equals("predictive") ? "#000000" : COLORS[c++ % COLORS.length]);
        }
        return colors;
    }

    /**
     * The plot of {@code series} (family name to its points, in the legend's order), each in its colour; with a
     * {@code target} (else null), the region at or below its cold starts and at or left of its memory shaded, labelled
     * with the target's name up to its first colon (the whole name in the region's tooltip).
     */
    String svg(Map<String, List<Point>> series, Map<String, String> colors, Point target) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                + "font-family='sans-serif' font-size='12'><defs><clipPath id='%s'><rect x='%d' y='%d' width='%d' "
                + "height='%d'/></clipPath></defs>", W, H, id, PAD, PAD, W - 2 * PAD, H - 2 * PAD));
        for (double v : axes.xTicks()) {
            double px = px(v);
            svg.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/>"
                    + "<text x='%.1f' y='%d' text-anchor='middle'>%s</text>", px, PAD, px, H - PAD, px, H - PAD + 18,
                    tick(v)));
        }
        for (double v : axes.yTicks()) {
            double py = py(v);
            svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>"
                    + "<text x='%d' y='%.1f' text-anchor='end'>%s</text>", PAD, py, W - PAD, py, PAD - 6, py + 4,
                    tick(v)));
        }
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>warm memory, GB·h per active "
                + "user-hour (log)</text><text transform='translate(18 %d) rotate(-90)' text-anchor='middle'>cold "
                + "starts per active user-hour (log)</text>", W / 2, H - 20, H / 2));
        if (target != null && inside(target)) {
            double tx = px(target.gbHours());
            double ty = py(target.coldStarts());
            svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%.1f' width='%.1f' height='%.1f' fill='#2ca02c' "
                    + "fill-opacity='0.08' stroke='#2ca02c' stroke-dasharray='6 4'><title>%s</title></rect><text "
                    + "x='%d' y='%.1f' fill='#2ca02c'>%s</text>", PAD, ty, tx - PAD, H - PAD - ty,
                    esc(target.name()), PAD + 6, ty + 16, esc(target.name().split(":")[0])));
        }
        int legendY = PAD;
        List<double[]> drawn = new ArrayList<>(); // the points of the families drawn before, in pixels
        for (Map.Entry<String, List<Point>> s : series.entrySet()) {
            boolean ours = s.getKey().equals("predictive"); // our policy stands out: black, a thicker line
            String color = colors.get(s.getKey());
            List<Point> sorted = new ArrayList<>(s.getValue());
            sorted.sort((a, b) -> Double.compare(a.gbHours(), b.gbHours()));
            if (sorted.size() > 1) {
                StringBuilder poly = new StringBuilder();
                for (Point p : sorted) {
                    poly.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(p.gbHours()), py(p.coldStarts())));
                }
                svg.append("<polyline fill='none' clip-path='url(#").append(id).append(")' stroke='").append(color)
                        .append(ours ? "' stroke-width='2.5" : "").append("' points='").append(poly).append("'/>");
            }
            List<double[]> mine = new ArrayList<>();
            for (Point p : sorted) {
                if (inside(p)) {
                    double x = px(p.gbHours());
                    double y = py(p.coldStarts());
                    // a point on top of earlier ones (lru-budget and greedy-dual nearly coincide) is a ring round them
                    long under = drawn.stream().filter(d -> Math.hypot(d[0] - x, d[1] - y) < OVERLAP).count();
                    String look = under == 0 ? "r='4' fill='" + color + "'"
                            : "r='" + (4 + 3 * under) + "' fill='none' stroke-width='2' stroke='" + color + "'";
                    svg.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' %s><title>%s: %.3f cold/h at"
                            + " %.3f GB·h/h</title></circle>", x, y, look, esc(p.name()), p.coldStarts(),
                            p.gbHours()));
                    mine.add(new double[] {x, y});
                }
            }
            drawn.addAll(mine);
            svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='10' height='10' fill='%s'/><text x='%d' "
                    + "y='%d'>%s</text>", W - PAD - 150, legendY, color, W - PAD - 135, legendY + 10,
                    esc(s.getKey())));
            legendY += 16;
        }
        return svg.append("</svg>").toString();
    }

    boolean inside(Point p) {
        return p.gbHours() >= axes.x0() && p.gbHours() <= axes.x1() && p.coldStarts() >= axes.y0()
                && p.coldStarts() <= axes.y1();
    }

    private double px(double x) {
        return PAD + Math.log(x / axes.x0()) / Math.log(axes.x1() / axes.x0()) * (W - 2 * PAD);
    }

    private double py(double y) {
        return H - PAD - Math.log(y / axes.y0()) / Math.log(axes.y1() / axes.y0()) * (H - 2 * PAD);
    }

    private static String tick(double v) {
        return v >= 1 ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%s", Double.parseDouble(String.format(Locale.ROOT, "%.6g", v)));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
