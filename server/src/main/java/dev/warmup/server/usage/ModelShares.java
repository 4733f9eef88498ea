package dev.warmup.server.usage;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.store.UsageStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * How a task's uses divide among the catalogue's models that serve it. The forecasts are per task; when two models
 * serve one (a small and a large coder for completion), each should be warmed for the share of the task's requests
 * that go to it, not for all of them: else the planner holds both, or prefers the one the developer never uses
 * because its longer load makes a miss dearer. Shares count this user's reported uses ({@code warmup/modelUsed})
 * with a {@value #HALF_LIFE_DAYS}-day half-life, one pseudo-use per model; a task one model serves is all its.
 * The counts are read from the last {@value #SEED_DAYS} days of history the first time two models share a task, and
 * follow the live feed from the start.
 */
@Singleton
public final class ModelShares {
    static final double HALF_LIFE_DAYS = 7;
    static final int SEED_DAYS = 30;
    static final int MAX_KEYS = 1000;
    private static final double HALF_LIFE_MILLIS = HALF_LIFE_DAYS * 86_400_000;
    private static final Logger LOG = Logger.getLogger(ModelShares.class.getName());

    private final UsageStore store;
    private final Clock clock;
    private final Map<String, double[]> counts = new HashMap<>(); // "task model" -> {decayed count, as of}
    private final long liveFrom;
    private boolean seeded;

    @Inject
    public ModelShares(UsagePatternAnalyzer analyzer, UsageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.liveFrom = clock.millis();
        analyzer.observe(this::observe);
    }

    /**
     * The share of {@code task}'s requests expected to go to {@code model}, among the models of {@code catalogue}
     * that serve the task: 1 when it is the only one.
     */
    public synchronized double share(String model, String task, List<ModelSpec> catalogue) {
        List<String> serving = catalogue.stream().filter(m -> m.tasks().contains(task)).map(ModelSpec::id).toList();
        if (serving.size() <= 1) {
            return 1;
        }
        seed();
        long now = clock.millis();
        double total = 0;
        for (String id : serving) {
            total += count(task, id, now) + 1;
        }
        return (count(task, model, now) + 1) / total;
    }

    /**
     * A task's probability of a request within the horizon, thinned to the requests that go to a model with
     * {@code share} of them: {@code 1 - (1 - p)^share}, a Poisson rate scaled by the share.
     */
    public static double thin(double p, double share) {
        return share >= 1 ? p : 1 - Math.pow(1 - p, share);
    }

    /** The chance that at least one of independent events of probabilities {@code p} happens. */
    public static double any(double[] p) {
        double miss = 1;
        for (double x : p) {
            miss *= 1 - x;
        }
        return 1 - miss;
    }

    private void observe(UsageEvent e) {
        if (e.kind() == EventKind.MODEL_USED && e.model() != null && e.task() != null) {
            synchronized (this) {
                add(e.task(), e.model(), e.at());
            }
        }
    }

    private void seed() {
        if (seeded) {
            return;
        }
        seeded = true;
        try {
            store.events(liveFrom - SEED_DAYS * 86_400_000L, liveFrom, this::observe);
        } catch (SQLException e) {
            LOG.warning(new WarmupException(ErrorCode.WMP_7004, "reading the history for model shares: "
                    + e.getMessage()).getMessage());
        }
    }

    private void add(String task, String model, long at) {
        String key = task + " " + model;
        double[] c = counts.get(key);
        if (c == null) {
            if (counts.size() >= MAX_KEYS) {
                evictWeakest(at);
            }
            c = new double[] {0, at};
            counts.put(key, c);
        }
        if (at >= c[1]) {
            c[0] = c[0] * decay(at - c[1]) + 1;
            c[1] = at;
        } else {
            c[0] += decay(c[1] - at); // reported late, or read from the history after live uses
        }
    }

    /**
     * Makes room for a new pair by dropping the one with the fewest uses left after fading: uses are reported for
     * any model, in the catalogue or not, and an orchestrator that names a new model per request would otherwise
     * grow the counts without end. Models in use keep their counts; a name used once long ago goes first.
     */
    private void evictWeakest(long now) {
        String weakest = null;
        double least = Double.MAX_VALUE;
        for (Map.Entry<String, double[]> e : counts.entrySet()) {
            double c = e.getValue()[0] * decay(Math.max(0, now - e.getValue()[1]));
            if (c < least) {
                least = c;
                weakest = e.getKey();
            }
        }
        counts.remove(weakest);
    }

    /** How many (task, model) pairs are counted (at most {@value #MAX_KEYS}). */
    synchronized int pairs() {
        return counts.size();
    }

    private double count(String task, String model, long now) {
        double[] c = counts.get(task + " " + model);
        return c == null ? 0 : c[0] * decay(Math.max(0, now - c[1]));
    }

    private static double decay(double millis) {
        return Math.pow(0.5, millis / HALF_LIFE_MILLIS);
    }
}
