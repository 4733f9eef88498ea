package dev.warmup.bench;

import dev.warmup.server.replay.report.BarReading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * How much the bar's figures depend on which developers a trace holds: resamples the developers of a replay's
 * {@code --per-user} CSV with replacement (a bootstrap over developers, each keeping all their hours) and, for each
 * resample, reads the bar as the README does: our curve's cold starts per active user-hour at the memory of a
 * reference policy (keepalive-10), interpolated linearly between the curve's two measured points around it, against
 * another policy's cold starts (keepalive-60). Prints the full trace's figures and the 2.5, 50 and 97.5 percentiles
 * over the resamples, and in how many of them the curve meets the bar. A resample whose reference memory falls
 * outside the curve's measured range is counted apart, not extrapolated. Then, user by user, each point of the curve
 * against the reference policy.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.warmup.bench.BarBootstrap PER_USER.csv [RESAMPLES [SEED]]}
 * (defaults 2000 and 1; the same seed gives the same figures).
 */
public final class BarBootstrap {
    private static final String MEMORY_OF = BarReading.MEMORY_OF;
    private static final String COLD_STARTS_OF = BarReading.COLD_STARTS_OF;
    private static final String CURVE = BarReading.CURVE;

    /** One user's figures under one policy. */
    record Row(String user, String policy, double hours, double coldStarts, double gbH) {}

    private final List<String> users;
    private final Map<String, double[][]> byPolicy; // policy -> [user][hours, cold starts, GB·h]

    BarBootstrap(List<Row> rows) {
        Map<String, Integer> userIndex = new LinkedHashMap<>();
        rows.forEach(r -> userIndex.putIfAbsent(r.user(), userIndex.size()));
        users = List.copyOf(userIndex.keySet());
        byPolicy = new LinkedHashMap<>();
        for (Row r : rows) {
            double[][] table = byPolicy.computeIfAbsent(r.policy(), p -> new double[users.size()][]);
            table[userIndex.get(r.user())] = new double[] {r.hours(), r.coldStarts(), r.gbH()};
        }
        byPolicy.forEach((p, table) -> {
            for (int u = 0; u < table.length; u++) {
                if (table[u] == null) {
                    throw new IllegalArgumentException("policy " + p + " has no row for user " + users.get(u));
                }
            }
        });
        for (String needed : List.of(MEMORY_OF, COLD_STARTS_OF)) {
            if (!byPolicy.containsKey(needed)) {
                throw new IllegalArgumentException("the CSV has no rows for " + needed);
            }
        }
        if (curve().size() < 2) {
            throw new IllegalArgumentException("the CSV needs two points or more of the " + CURVE + " curve");
        }
    }

    static List<Row> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int user = header.indexOf("user");
        int policy = header.indexOf("policy");
        int hours = header.indexOf("active_user_hours");
        int cold = header.indexOf("cold_starts");
        int gbH = header.indexOf("warm_gb_h");
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = fields(line);
            rows.add(new Row(f.get(user), f.get(policy), Double.parseDouble(f.get(hours)),
                    Double.parseDouble(f.get(cold)), Double.parseDouble(f.get(gbH))));
        }
        return rows;
    }

    /** A CSV line's fields, a quoted field's doubled quotes undone. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cur.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private List<String> curve() {
        return byPolicy.keySet().stream().filter(BarReading::onCurve).sorted().toList();
    }

    /** The figures with each user counted {@code weight[u]} times (all ones: the trace itself). */
    BarReading read(int[] weight) {
        double memory = perHour(MEMORY_OF, weight)[1];
        double bar = perHour(COLD_STARTS_OF, weight)[0];
        double reference = perHour(MEMORY_OF, weight)[0];
        List<double[]> points = new ArrayList<>();
        for (String p : curve()) {
            points.add(perHour(p, weight));
        }
        double ours = BarReading.interpolate(points, memory);
        return new BarReading(memory, reference, bar, ours);
    }

    /**
     * User by user, our curve at the user's own reference memory: how many users it gives fewer cold starts than the
     * reference policy, how many not fewer, and how many lie outside the curve's measured range; with their hours.
     */
    double[] atEqualMemoryByUser() {
        double[][] ref = byPolicy.get(MEMORY_OF);
        double[] out = new double[6]; // fewer, not fewer, outside; then the hours of each
        for (int u = 0; u < ref.length; u++) {
            List<double[]> points = new ArrayList<>();
            for (String p : curve()) {
                double[] row = byPolicy.get(p)[u];
                points.add(new double[] {row[1], row[2]});
            }
            double ours = BarReading.interpolate(points, ref[u][2]);
            int k = Double.isNaN(ours) ? 2 : ours < ref[u][1] ? 0 : 1;
            out[k]++;
            out[3 + k] += ref[u][0];
        }
        return out;
    }

    /** Cold starts and warm GB·h per active user-hour of a policy, users weighted. */
    private double[] perHour(String policy, int[] weight) {
        double hours = 0;
        double cold = 0;
        double gbH = 0;
        double[][] table = byPolicy.get(policy);
        for (int u = 0; u < table.length; u++) {
            hours += weight[u] * table[u][0];
            cold += weight[u] * table[u][1];
            gbH += weight[u] * table[u][2];
        }
        return new double[] {cold / hours, gbH / hours};
    }

    /** {@code n} resamples of the users, with replacement, from a seeded generator. */
    List<BarReading> resample(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<BarReading> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] weight = new int[users.size()];
            for (int k = 0; k < users.size(); k++) {
                weight[random.nextInt(users.size())]++;
            }
            out.add(read(weight));
        }
        return out;
    }

    /**
     * User by user, a curve point against the reference policy: how many users it gives fewer cold starts with no
     * more memory, fewer cold starts with more memory, and no fewer cold starts.
     */
    int[] byUser(String point) {
        double[][] ours = byPolicy.get(point);
        double[][] ref = byPolicy.get(MEMORY_OF);
        int[] counts = new int[3];
        for (int u = 0; u < ours.length; u++) {
            boolean fewer = ours[u][1] < ref[u][1];
            counts[!fewer ? 2 : ours[u][2] <= ref[u][2] ? 0 : 1]++;
        }
        return counts;
    }

    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        return i + 1 >= sorted.length ? sorted[sorted.length - 1]
                : sorted[i] + (sorted[i + 1] - sorted[i]) * (pos - i);
    }

    int users() {
        return users.size();
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: BarBootstrap PER_USER.csv [RESAMPLES [SEED]]");
            System.exit(2);
        }
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        BarBootstrap b = new BarBootstrap(read(Path.of(args[0])));
        int[] all = new int[b.users()];
        Arrays.fill(all, 1);
        BarReading whole = b.read(all);
        List<BarReading> readings = b.resample(n, seed);
        List<BarReading> inRange = readings.stream().filter(r -> !Double.isNaN(r.ours())).toList();
        System.out.printf(Locale.ROOT, "%d users; %d resamples (seed %d), %d with %s's memory inside the %s curve%n",
                b.users(), n, seed, inRange.size(), MEMORY_OF, CURVE);
        System.out.printf(Locale.ROOT, "%-44s %10s %10s %10s %10s%n", "per active user-hour", "trace", "2.5 %",
                "median", "97.5 %");
        line("warm GB·h of " + MEMORY_OF, whole.memory(), readings, BarReading::memory);
        line("cold starts of " + MEMORY_OF, whole.reference(), readings, BarReading::reference);
        line("cold starts of " + COLD_STARTS_OF + " (the bar)", whole.bar(), readings, BarReading::bar);
        line("cold starts of " + CURVE + " at that memory", whole.ours(), inRange, BarReading::ours);
        line("  minus the bar", whole.ours() - whole.bar(), inRange, r -> r.ours() - r.bar());
        line("  fewer than " + MEMORY_OF + " (share)", 1 - whole.ours() / whole.reference(), inRange,
                r -> 1 - r.ours() / r.reference());
        System.out.printf(Locale.ROOT, "bar met in %d of %d resamples%n",
                inRange.stream().filter(BarReading::met).count(), inRange.size());
        double[] eq = b.atEqualMemoryByUser();
        System.out.printf(Locale.ROOT, "user by user, %s at each user's own %s memory: fewer cold starts for %.0f users"
                + " (%.0f h), not fewer for %.0f (%.0f h), outside the curve for %.0f (%.0f h)%n", CURVE, MEMORY_OF,
                eq[0], eq[3], eq[1], eq[4], eq[2], eq[5]);
        System.out.printf("user by user against %s: fewer cold starts with no more memory / with more / not fewer%n",
                MEMORY_OF);
        for (String point : b.curve()) {
            int[] c = b.byUser(point);
            System.out.printf(Locale.ROOT, "  %-20s %3d / %3d / %3d%n", point, c[0], c[1], c[2]);
        }
    }

    private static void line(String what, double trace, List<BarReading> readings,
                             ToDoubleFunction<BarReading> figure) {
        double[] v = readings.stream().mapToDouble(figure).sorted().toArray();
        if (v.length == 0) {
            System.out.printf(Locale.ROOT, "%-44s %10.3f %32s%n", what, trace, "(no resample in range)");
            return;
        }
        System.out.printf(Locale.ROOT, "%-44s %10.3f %10.3f %10.3f %10.3f%n", what, trace, percentile(v, 0.025),
                percentile(v, 0.5), percentile(v, 0.975));
    }
}
