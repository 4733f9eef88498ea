package dev.warmup.bench;

import dev.warmup.server.prediction.Features;
import dev.warmup.server.prediction.XgbTrainer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the hot path would cost through XGBoost4J itself: 8 boosters of our shape (the default {@link XgbTrainer}
 * parameters, as many features as 8 tasks give), each asked for one row with {@code Booster.predict}. The figure
 * beside {@code DecisionBenchmark.predict8Trees} is why the server evaluates the trees in plain Java.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BoosterBaselineBenchmark {
    private static final int TASKS = 8;
    private final Booster[] boosters = new Booster[TASKS];
    private float[] row;

    @Setup
    public void setUp() throws XGBoostError {
        int cols = Features.size(TASKS);
        int rows = 5_000;
        Random r = new Random(3);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        XgbTrainer.Params p = XgbTrainer.Params.defaults(0.1);
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", p.maxDepth());
        params.put("eta", p.eta());
        params.put("min_child_weight", p.minChildWeight());
        params.put("tree_method", "hist");
        params.put("nthread", 1);
        params.put("verbosity", 0);
        for (int k = 0; k < TASKS; k++) {
            float[] y = new float[rows];
            for (int i = 0; i < rows; i++) {
                y[i] = x[i * cols + k] + 0.3f * r.nextFloat() > 0.8f ? 1 : 0;
            }
            DMatrix d = new DMatrix(x, rows, cols, Float.NaN);
            d.setLabel(y);
            boosters[k] = XGBoost.train(d, params, p.rounds(), Map.of(), null, null);
            d.dispose();
        }
        row = new float[cols];
        for (int i = 0; i < cols; i++) {
            row[i] = r.nextFloat();
        }
    }

    @Benchmark
    public float[] boosterPredict8() throws XGBoostError {
        float[] out = new float[TASKS];
        DMatrix d = new DMatrix(row, 1, row.length, Float.NaN);
        try {
            for (int k = 0; k < TASKS; k++) {
                out[k] = boosters[k].predict(d)[0][0];
            }
        } finally {
            d.dispose();
        }
        return out;
    }

    @TearDown
    public void tearDown() {
        for (Booster b : boosters) {
            b.dispose();
        }
    }
}
