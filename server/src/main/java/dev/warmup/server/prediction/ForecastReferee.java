package dev.warmup.server.prediction;

/**
 * Decides, per task, whether the trained trees forecast better than the context-rate heuristic they correct. Every
 * matured sample (its label known, and unseen by the trees in force, which were trained on samples matured before)
 * scores both forecasts by log-loss, with older samples fading ({@value #HALF_LIFE} samples' half-life); the trees
 * answer only while their loss stays under {@value #MARGIN} of the heuristic's, over at least {@value #MIN_EVIDENCE}
 * samples. The margin is wide because on the Blaze traces trees with a lower log-loss still made worse warm-up
 * decisions (see the README); a classifier that overfits this user's first weeks thus costs nothing in the decisions.
 */
final class ForecastReferee {
    static final double HALF_LIFE = 2000;
    static final double MIN_EVIDENCE = 200;
    /** The share of the heuristic's log-loss the trees must stay under. */
    static final double MARGIN = 0.5;
    private static final double DECAY = Math.pow(0.5, 1 / HALF_LIFE);

    private final double[] heuristicLoss;
    private final double[] treeLoss;
    private final double[] weight;

    ForecastReferee(int tasks) {
        heuristicLoss = new double[tasks];
        treeLoss = new double[tasks];
        weight = new double[tasks];
    }

    /** Scores task {@code k}'s two forecasts of a matured sample whose outcome was {@code label}. */
    void score(int k, double heuristic, double tree, boolean label) {
        heuristicLoss[k] = heuristicLoss[k] * DECAY + logLoss(heuristic, label);
        treeLoss[k] = treeLoss[k] * DECAY + logLoss(tree, label);
        weight[k] = weight[k] * DECAY + 1;
    }

    /** Whether task {@code k}'s trees have shown that they forecast better than the heuristic. */
    boolean trustTrees(int k) {
        return weight[k] >= MIN_EVIDENCE && treeLoss[k] < MARGIN * heuristicLoss[k];
    }

    /** Mean log-loss of the heuristic and of the trees for task {@code k}, over the fading window. */
    double[] losses(int k) {
        double w = Math.max(weight[k], 1e-9);
        return new double[] {heuristicLoss[k] / w, treeLoss[k] / w};
    }

    private static double logLoss(double p, boolean label) {
        double q = Math.min(1 - 1e-6, Math.max(1e-6, p));
        return -Math.log(label ? q : 1 - q);
    }
}
