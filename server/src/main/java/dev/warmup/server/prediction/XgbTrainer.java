package dev.warmup.server.prediction;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains one XGBoost binary classifier ("requested within the horizon") and turns it into a {@link TreeEnsemble}.
 * Small and single-threaded by design: it runs in the background on one user's history, many times a day.
 */
public final class XgbTrainer {
    /** Boosting parameters; {@code eta} comes from the {@code learningRate} setting. */
    public record Params(int rounds, int maxDepth, double eta, double minChildWeight) {
        public static Params defaults(double learningRate) {
            return new Params(10, 2, Math.max(0.01, Math.min(1.0, learningRate * 3)), 5);
        }
    }

    /** Why the native library could not be loaded, as the first failure said (later ones say less). */
    private static volatile String notLoaded;

    private XgbTrainer() {}

    /**
     * The deepest cause of the first failure to load the library: the loader's own (a library it needs missing, or
     * the file it unpacked into {@code java.io.tmpdir}, read as the JVM starts, not loadable), so that the server, which
     * cannot point it elsewhere as it does SQLite's, says which.
     */
    private static String notLoaded(LinkageError e) {
        if (notLoaded == null) {
            notLoaded = String.valueOf(WarmupException.innermost(e));
        }
        return notLoaded;
    }

    /** Trains on {@code rows} × {@code cols} features (row-major) and 0/1 labels. */
    public static TreeEnsemble train(float[] x, int rows, int cols, float[] labels, Params p) {
        return train(x, rows, cols, labels, null, p);
    }

    /**
     * Trains with a prior: {@code baseMargin} (log-odds per row, or null) is where boosting starts, so the trees learn
     * corrections to the prior and a thin history falls back on it. Predictions then add the same prior.
     */
    public static TreeEnsemble train(float[] x, int rows, int cols, float[] labels, float[] baseMargin, Params p) {
        DMatrix d = null;
        Booster b = null;
        try {
            d = new DMatrix(Arrays.copyOf(x, rows * cols), rows, cols, Float.NaN);
            d.setLabel(Arrays.copyOf(labels, rows));
            if (baseMargin != null) {
                d.setBaseMargin(Arrays.copyOf(baseMargin, rows));
            }
            Map<String, Object> params = new HashMap<>();
            params.put("objective", "binary:logistic");
            params.put("max_depth", p.maxDepth());
            params.put("eta", p.eta());
            params.put("min_child_weight", p.minChildWeight());
            params.put("base_score", 0.5);
            params.put("tree_method", "hist");
            params.put("nthread", 1);
            params.put("seed", 7);
            params.put("verbosity", 0);
            b = XGBoost.train(d, params, p.rounds(), Map.of(), null, null);
            UnpackedLibrary.deleteOnceLoaded();
            return TreeEnsemble.fromJsonDump(Arrays.asList(b.getModelDump((String) null, true, "json")));
        } catch (XGBoostError e) {
            throw new WarmupException(ErrorCode.WMP_2002, "training failed: " + e.getMessage(), e);
        } catch (LinkageError e) { // ExceptionInInitializerError at the first, then NoClassDefFoundError
            throw new WarmupException(ErrorCode.WMP_2002, "XGBoost's native library could not be loaded ("
                    + notLoaded(e) + "), so no trees can be trained: if OpenMP's runtime (libgomp) is missing,"
                    + " install it; if the temporary folder " + System.getProperty("java.io.tmpdir") + " (java.io"
                    + ".tmpdir) is missing, full or mounted noexec, start the server with -Djava.io.tmpdir=DIR, a"
                    + " folder it may write and load libraries from", e);
        } finally {
            if (b != null) {
                b.dispose();
            }
            if (d != null) {
                d.dispose();
            }
        }
    }
}
