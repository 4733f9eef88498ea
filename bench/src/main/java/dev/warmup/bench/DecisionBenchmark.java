package dev.warmup.bench;

import dev.warmup.server.prediction.LearnedPredictor;
import dev.warmup.server.scheduler.ExpectedValuePlanner;
import dev.warmup.server.scheduler.WarmSetPlanner;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The decision hot path: forecasting 8 tasks ({@code predict8}: on a patternless history, where the referee keeps
 * the trained trees out and the context rates answer; {@code predict8Trees}: on a history with a daily pattern the
 * trees learn and the referee lets them answer for every task), and planning what to keep warm among 20 models
 * within the budget ({@code plan20}). Sample mode gives percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecisionBenchmark {
    private static final List<String> TASKS = List.of("completion", "chat", "analysis", "refactoring",
            "generation", "translation", "classification", "custom:review");
    private LearnedPredictor predictor;
    private LearnedPredictor treePredictor;
    private long treeNow;
    private final double[] out = new double[TASKS.size()];
    private long now;
    private final ExpectedValuePlanner planner = new ExpectedValuePlanner();
    private WarmSetPlanner.PlanRequest request;

    @Setup
    public void setUp() {
        predictor = new LearnedPredictor(TASKS, ZoneOffset.UTC, LearnedPredictor.Config.defaults(0.1));
        Random r = new Random(1);
        long t = 1_700_000_000_000L;
        for (int i = 0; i < 60_000; i++) {
            t += 1_000 + r.nextInt(30_000);
            String task = r.nextInt(3) == 0 ? TASKS.get(r.nextInt(TASKS.size())) : null;
            predictor.observe(UsageEvent.simple(t, task == null ? EventKind.CHANGE : EventKind.MODEL_USED, null,
                    task));
        }
        predictor.train(t);
        if (!predictor.learned()) {
            throw new IllegalStateException("the benchmark predictor did not train");
        }
        now = t + 5_000;
        treePredictor = new LearnedPredictor(TASKS, ZoneOffset.UTC, LearnedPredictor.Config.defaults(0.1));
        treeNow = dailyPattern(treePredictor, new Random(2));
        if (treePredictor.tasksOnTrees() != TASKS.size()) {
            throw new IllegalStateException("the trees answer for " + treePredictor.tasksOnTrees() + " tasks, not "
                    + TASKS.size());
        }
        List<WarmSetPlanner.Candidate> cs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            cs.add(new WarmSetPlanner.Candidate("m" + i, 500 + r.nextInt(8000), 1 + r.nextInt(30), r.nextDouble(),
                    r.nextDouble() * 600, WarmSetPlanner.Residency.values()[r.nextInt(3)], r.nextInt(10) == 0,
                    1 + r.nextDouble() * 2));
        }
        request = new WarmSetPlanner.PlanRequest(now, cs, 12_000, 5, 0.7);
    }

    @Benchmark
    public double[] predict8() {
        predictor.probabilities(now, out);
        return out;
    }

    /**
     * Three weeks in which task k is used only between 3k and 3k + 3 o'clock (UTC), every 10–40 s, with edits all day:
     * the context rates cannot see the hour coming, the trees (hour-of-day features) can. Returns the instant to
     * forecast at: 20 s after the last event.
     */
    static long dailyPattern(LearnedPredictor p, Random r) {
        long t = 1_700_006_400_000L; // a midnight, UTC
        long end = t + 21 * 86_400_000L;
        long nextUse = t;
        while (t < end) {
            t += 5_000 + r.nextInt(20_000);
            int k = (int) (t / 3_600_000 % 24) / 3;
            boolean use = t >= nextUse;
            if (use) {
                nextUse = t + 10_000 + r.nextInt(30_000);
            }
            p.observe(UsageEvent.simple(t, use ? EventKind.MODEL_USED : EventKind.CHANGE, null,
                    use ? TASKS.get(k) : null));
        }
        return t + 20_000;
    }

    @Benchmark
    public double[] predict8Trees() {
        treePredictor.probabilities(treeNow, out);
        return out;
    }

    @Benchmark
    public WarmSetPlanner.WarmPlan plan20() {
        return planner.plan(request);
    }
}
