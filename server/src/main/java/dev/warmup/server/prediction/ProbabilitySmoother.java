package dev.warmup.server.prediction;

/**
 * Holds each forecast up for a little while: the effective probability is the larger of the new forecast and the
 * previous effective one decayed with half-life {@code halfLifeMillis}. A single quiet event should not unload a
 * model that the last minutes showed to be needed; a model is let go once its forecast has stayed low.
 */
public final class ProbabilitySmoother {
    private final double lambdaPerMilli;
    private final double[] value;
    private long last = Long.MIN_VALUE;

    public ProbabilitySmoother(int size, long halfLifeMillis) {
        this.lambdaPerMilli = Math.log(2) / halfLifeMillis;
        this.value = new double[size];
    }

    /** Smooths {@code p} in place at time {@code now} (non-decreasing). */
    public void apply(long now, double[] p) {
        double decay = last == Long.MIN_VALUE ? 0 : Math.exp(-lambdaPerMilli * Math.max(0, now - last));
        for (int i = 0; i < p.length; i++) {
            value[i] = Math.max(p[i], value[i] * decay);
            p[i] = value[i];
        }
        last = now;
    }
}
