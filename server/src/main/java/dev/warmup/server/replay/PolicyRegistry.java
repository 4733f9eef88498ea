package dev.warmup.server.replay;

import dev.warmup.server.replay.policies.GreedyDualPolicy;
import dev.warmup.server.replay.policies.HybridHistogramPolicy;
import dev.warmup.server.replay.policies.KeepAlivePolicy;
import dev.warmup.server.replay.policies.LruBudgetPolicy;
import dev.warmup.server.replay.policies.OraclePolicy;
import dev.warmup.server.replay.policies.PricedOraclePolicy;
import dev.warmup.server.replay.predictive.HindsightPredictivePolicy;
import dev.warmup.server.replay.predictive.PredictivePolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleFunction;

/**
 * Policies by name. A name is {@code FAMILY} or {@code FAMILY@KNOB} (e.g. {@code predictive@0.5}); the baseline
 * names {@code keepalive-K} stand for {@code keepalive@K} (minutes). {@code all} is every policy of EVALUATION.md §5
 * plus the registered families at their default knob, but for those registered to be run by name only.
 */
public final class PolicyRegistry {
    /**
     * A family of policies sharing one knob.
     *
     * @param name        family name
     * @param defaultKnob knob used when the name has none (NaN: the family has no knob)
     * @param knobs       the knob values a name may give, inclusive (null: the family has no knob)
     * @param sweep       knob values drawing the family's curve in the HTML report
     * @param create      a fresh policy for one user, for a knob value
     */
    public record Family(String name, double defaultKnob, Range knobs, List<Double> sweep,
                         DoubleFunction<Policy> create) {}

    /** Knob values from {@code min} to {@code max}, both included, and what they mean, for the refusal. */
    public record Range(double min, double max, String unit) {
        boolean contains(double k) {
            return k >= min && k <= max; // false for NaN
        }
    }

    private static final Range MINUTES = new Range(0, 525_600, "minutes (up to a year)");
    private static final Range PRICE = new Range(0.001, 1_000_000, "GB·minutes per cold start");
    private static final Range THRESHOLD = new Range(0, 1, "a decision threshold");

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final List<String> all = new ArrayList<>();

    /** The baselines of EVALUATION.md §5. */
    public static PolicyRegistry baselines() {
        PolicyRegistry r = new PolicyRegistry();
        r.register(new Family("keepalive", 5, MINUTES,
                List.of(1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 120.0, 240.0), KeepAlivePolicy::new),
                List.of("keepalive-1", "keepalive-5", "keepalive-10", "keepalive-30", "keepalive-60"));
        r.register(new Family("lru-budget", Double.NaN, null, List.of(), k -> new LruBudgetPolicy()), null);
        r.register(new Family("greedy-dual", Double.NaN, null, List.of(), k -> new GreedyDualPolicy()), null);
        r.register(new Family("hybrid-histogram", Double.NaN, null, List.of(), k -> new HybridHistogramPolicy()), null);
        r.register(new Family("oracle", Double.NaN, null, List.of(), k -> new OraclePolicy()), null);
        return r;
    }

    /**
     * The baselines, two more clairvoyant bounds ({@code keep-oracle@W}: the best keep-or-unload rule;
     * {@code event-oracle@W}: the best policy that pre-warms only at events; W in GB·minutes per cold start; by
     * name only, {@code keep-oracle-1m@W} and {@code keep-oracle-5m@W}: the keep-oracle unloading 1 or 5 minutes
     * late) and our own policy, {@code predictive@THRESHOLD}; by name only, {@code predictive-hindsight@THRESHOLD}, our
     * policy with its context rates fitted on the user's whole trace (what learning from nothing costs).
     */
    public static PolicyRegistry standard() {
        PolicyRegistry r = baselines();
        r.register(new Family("keep-oracle", 10, PRICE, List.of(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0),
                PricedOraclePolicy::keepOnly), null);
        for (int minutes : new int[] {1, 5}) { // not in all: asked for by name
            r.register(new Family("keep-oracle-" + minutes + "m", 100, PRICE, List.of(20.0, 50.0, 100.0, 200.0),
                    w -> PricedOraclePolicy.keepOnlyLate(w, minutes * 60_000L)), List.of());
        }
        r.register(new Family("event-oracle", 10, PRICE, List.of(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0),
                PricedOraclePolicy::atEvents), null);
        r.register(new Family("predictive", PredictivePolicy.DEFAULT_THRESHOLD, THRESHOLD,
                List.of(0.5, 0.7, 0.9, 0.95, 0.99, 0.995, 0.999), k -> new PredictivePolicy(k, 0.1)), null);
        r.register(new Family("predictive-hindsight", PredictivePolicy.DEFAULT_THRESHOLD, THRESHOLD,
                List.of(0.9, 0.99, 0.995, 0.999), k -> new HindsightPredictivePolicy(k, 0.1)), List.of());
        return r;
    }

    /** Adds a family; {@code inAll} lists the names {@code all} runs (null: the family's own name). */
    public PolicyRegistry register(Family family, List<String> inAll) {
        families.put(family.name(), family);
        all.addAll(inAll == null ? List.of(family.name()) : inAll);
        return this;
    }

    /** Every registered family's name, in registration order. */
    public List<String> familyNames() {
        return List.copyOf(families.keySet());
    }

    public List<String> allNames() {
        return List.copyOf(all);
    }

    public Family family(String name) {
        return families.get(parse(name).family());
    }

    /** The family a policy name belongs to: {@code keepalive} for {@code keepalive-10} and {@code keepalive@15}. */
    public String familyName(String name) {
        return parse(name).family();
    }

    /** Expands {@code all} and comma-separated lists, checking every name. */
    public List<String> expand(String spec) {
        List<String> names = new ArrayList<>();
        for (String part : spec.split(",")) {
            String name = part.trim();
            if (name.equals("all")) {
                names.addAll(all);
            } else if (!name.isEmpty()) {
                parse(name);
                names.add(name);
            }
        }
        return names;
    }

    /** One spelling per policy: {@code keepalive-10}, {@code keepalive@10} and {@code keepalive@10.0} are one. */
    public String canonical(String name) {
        Parsed p = parse(name);
        return Double.isNaN(p.knob()) ? p.family() : p.family() + "@" + p.knob();
    }

    /**
     * The knob sweeps of the families of {@code ran} (each family's curve in the report), without the points that
     * {@code ran} already holds under another spelling (the default {@code predictive} is {@code predictive@0.7}).
     */
    public List<String> sweepBeyond(List<String> ran) {
        Set<String> done = new HashSet<>();
        Set<String> out = new LinkedHashSet<>();
        for (String name : ran) {
            done.add(canonical(name));
        }
        for (String name : ran) {
            Family f = family(name);
            for (double k : f.sweep()) {
                String point = f.name() + "@" + number(k);
                if (done.add(canonical(point))) {
                    out.add(point);
                }
            }
        }
        return List.copyOf(out);
    }

    /** A fresh policy instance for one user. */
    public Policy create(String name) {
        Parsed p = parse(name);
        return families.get(p.family()).create().apply(p.knob());
    }

    private record Parsed(String family, double knob) {}

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private Parsed parse(String name) {
        String familyName = name;
        String knob = null;
        int at = name.indexOf('@');
        if (at >= 0) {
            familyName = name.substring(0, at);
            knob = name.substring(at + 1);
        } else if (name.startsWith("keepalive-")) {
            familyName = "keepalive";
            knob = name.substring("keepalive-".length());
        }
        Family f = families.get(familyName);
        if (f == null) {
            throw new IllegalArgumentException("unknown policy '" + name + "'; known: " + families.keySet());
        }
        if (knob == null) {
            return new Parsed(familyName, f.defaultKnob());
        }
        if (f.knobs() == null) {
            throw new IllegalArgumentException("policy " + familyName + " has no knob: " + name);
        }
        double k;
        try {
            k = Double.parseDouble(knob);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("policy knob must be a number: " + name);
        }
        Range r = f.knobs();
        if (!r.contains(k)) {
            throw new IllegalArgumentException("the knob of " + familyName + " is " + r.unit() + ", from "
                    + number(r.min()) + " to " + number(r.max()) + ": " + name);
        }
        return new Parsed(familyName, k);
    }
}
