package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

/** The Java evaluator gives XGBoost's own predictions, missing values included. */
class TreeEnsembleTest {
    @Test
    void agreesWithBoosterPredict() throws Exception {
        Random r = new Random(3);
        int rows = 2000;
        int cols = 6;
        float[] x = new float[rows * cols];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[i * cols + j] = r.nextInt(10) == 0 ? Float.NaN : (float) r.nextGaussian();
            }
            float a = x[i * cols];
            float b = x[i * cols + 1];
            y[i] = (Float.isNaN(a) ? 0.3f : a) + 0.5f * (Float.isNaN(b) ? 0 : b * b) + 0.3f * r.nextGaussian() > 0.4
                    ? 1 : 0;
        }
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", 4);
        params.put("eta", 0.3);
        params.put("base_score", 0.5);
        params.put("nthread", 1);
        params.put("tree_method", "hist");
        DMatrix d = new DMatrix(x, rows, cols, Float.NaN);
        d.setLabel(y);
        Booster b = XGBoost.train(d, params, 25, Map.of(), null, null);
        float[][] expected = b.predict(d);
        TreeEnsemble e = TreeEnsemble.fromJsonDump(Arrays.asList(b.getModelDump((String) null, true, "json")));
        assertEquals(25, e.trees());
        for (int i = 0; i < rows; i++) {
            float[] row = Arrays.copyOfRange(x, i * cols, (i + 1) * cols);
            assertEquals(expected[i][0], e.probability(row), 1e-5, "row " + i);
        }
        // the trainer the predictor uses gives the same kind of ensemble
        TreeEnsemble t = XgbTrainer.train(x, rows, cols, y, XgbTrainer.Params.defaults(0.1));
        assertEquals(XgbTrainer.Params.defaults(0.1).rounds(), t.trees());
        b.dispose();
        d.dispose();
    }
}
