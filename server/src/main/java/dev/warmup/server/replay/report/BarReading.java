package dev.warmup.server.replay.report;

import dev.warmup.server.replay.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The product's bar read off a replay: at no more warm memory than {@value #MEMORY_OF}, no more cold starts than
 * {@value #COLD_STARTS_OF}. Our curve ({@value #CURVE} and its {@code predictive@X} points) is read at the
 * reference policy's memory, linearly between its two measured points either side; it is not extrapolated beyond
 * them. All figures per active user-hour.
 *
 * @param memory    the warm GB·h of {@value #MEMORY_OF}
 * @param reference the cold starts of {@value #MEMORY_OF}
 * @param bar       the cold starts of {@value #COLD_STARTS_OF}
 * @param ours      our curve's cold starts at {@code memory}; NaN when its points do not reach that far
 */
public record BarReading(double memory, double reference, double bar, double ours) {
    public static final String MEMORY_OF = "keepalive-10";
    public static final String COLD_STARTS_OF = "keepalive-60";
    public static final String CURVE = "predictive";

    /** Whether the curve reached the reference memory and has no more cold starts there than the bar. */
    public boolean met() {
        return ours <= bar;
    }

    /** Whether {@code policy} is a point of our curve. */
    public static boolean onCurve(String policy) {
        return policy.equals(CURVE) || policy.startsWith(CURVE + "@");
    }

    /**
     * The reading of a replay's totals over {@code hours} active user-hours; empty unless it ran both reference
     * policies and at least one point of our curve.
     */
    public static Optional<BarReading> of(Map<String, Outcome> outcomes, double hours) {
        Outcome memoryOf = either(outcomes, MEMORY_OF);
        Outcome coldStartsOf = either(outcomes, COLD_STARTS_OF);
        if (memoryOf == null || coldStartsOf == null || hours <= 0) {
            return Optional.empty();
        }
        List<double[]> curve = new ArrayList<>();
        outcomes.forEach((name, o) -> {
            if (onCurve(name)) {
                curve.add(new double[] {o.coldStarts() / hours, o.warmGbHours() / hours});
            }
        });
        if (curve.isEmpty()) {
            return Optional.empty();
        }
        double memory = memoryOf.warmGbHours() / hours;
        return Optional.of(new BarReading(memory, memoryOf.coldStarts() / hours, coldStartsOf.coldStarts() / hours,
                interpolate(curve, memory)));
    }

    /** The outcome of {@code policy}, however the run spelt it: {@code keepalive-10} or {@code keepalive@10}. */
    private static Outcome either(Map<String, Outcome> outcomes, String policy) {
        Outcome o = outcomes.get(policy);
        return o != null ? o : outcomes.get(policy.replace('-', '@'));
    }

    /** Cold starts at {@code memory} on a curve of (cold starts, GB·h) points, linearly; NaN outside it. */
    public static double interpolate(List<double[]> points, double memory) {
        List<double[]> sorted = new ArrayList<>(points);
        sorted.sort((a, b) -> Double.compare(a[1], b[1]));
        for (int i = 1; i < sorted.size(); i++) {
            double[] lo = sorted.get(i - 1);
            double[] hi = sorted.get(i);
            if (lo[1] <= memory && memory <= hi[1]) {
                return hi[1] == lo[1] ? Math.min(lo[0], hi[0])
                        : lo[0] + (hi[0] - lo[0]) * (memory - lo[1]) / (hi[1] - lo[1]);
            }
        }
        return Double.NaN;
    }

    /** What the reading says, in one paragraph of plain text. */
    public String sentence() {
        String bar = String.format(Locale.ROOT, "The bar, per active user-hour: no more cold starts than %s (%.3f) at"
                + " no more warm memory than %s (%.3f GB·h). ", COLD_STARTS_OF, this.bar, MEMORY_OF, memory);
        if (Double.isNaN(ours)) {
            return bar + "Our curve's points do not reach that memory on both sides, so it is not read there: add "
                    + CURVE + "@X points around it (--report sweeps the curve).";
        }
        return bar + String.format(Locale.ROOT, "Our curve there (linear between its points either side): %.3f cold"
                + " starts, %.1f %% %s than %s's %.3f, %.3f %s the bar: %s.", ours,
                100 * Math.abs(1 - ours / reference), ours <= reference ? "fewer" : "more", MEMORY_OF, reference,
                Math.abs(ours - this.bar), ours > this.bar ? "above" : "at or below", met() ? "met" : "not met");
    }
}
