package dev.warmup.server.prediction;

import dev.warmup.server.usage.UsageEvent;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The PredictionEngine's predictor: per task, an XGBoost classifier of "requested within the horizon", trained
 * online and prequentially on this user's own history (samples mature only once their horizon has elapsed), and
 * evaluated by a plain-Java {@link TreeEnsemble}. Until a task's classifier exists, the empirical idle-time hazard
 * (the heuristic) answers for it. Not thread-safe: one thread observes, forecasts and trains.
 */
public final class LearnedPredictor implements Predictor {
    /** Tunables; {@link #defaults(double)} is what the server and the replay use. */
    public record Config(long horizonMillis, long sampleSpacingMillis, long[] idleProbesMillis, int capacity,
                         int firstTraining, int minPositives, XgbTrainer.Params params) {
        public static Config defaults(double learningRate) {
            return new Config(300_000, 15_000, new long[] {60_000, 120_000, 180_000, 300_000, 450_000, 600_000, 900_000, 1_200_000, 1_800_000,
                    2_700_000, 3_600_000},
                    20_000, 300, 10, XgbTrainer.Params.defaults(learningRate));
        }
    }

    private final List<String> tasks;
    private final Config config;
    private final FeatureState state;
    private final Samples samples;
    private final int cols;
    private final TreeEnsemble[] models;
    private final float[] scratch;
    private long seq;
    private int probesTaken;
    private long lastSample = Long.MIN_VALUE;
    private long nextTraining;
    private long trainings;
    private long lastTrainedAt = Long.MIN_VALUE;

    public LearnedPredictor(List<String> tasks, ZoneId zone, Config config) {
        this.tasks = List.copyOf(tasks);
        this.config = config;
        this.cols = Features.size(tasks.size());
        this.state = new FeatureState(tasks.size(), zone);
        this.samples = new Samples(tasks.size(), cols, config.horizonMillis(), config.capacity());
        this.models = new TreeEnsemble[tasks.size()];
        this.scratch = new float[cols];
        this.nextTraining = config.firstTraining();
    }

    @Override
    public String name() {
        return learned() ? "xgboost" : "heuristic";
    }

    @Override
    public boolean learned() {
        for (TreeEnsemble m : models) {
            if (m != null) {
                return true;
            }
        }
        return false;
    }

    public List<String> tasks() {
        return tasks;
    }

    /** The horizon the classifiers predict over. */
    public long horizonMillis() {
        return config.horizonMillis();
    }

    /** The current classifiers, by task index (null: the heuristic answers), for persistence. */
    public TreeEnsemble[] models() {
        return models.clone();
    }

    @Override
    public void observe(UsageEvent e) {
        long t = e.at();
        takeIdleProbes(t - 1); // the quiet time since the last event: what idling looks like
        seq++;
        int task = e.task() == null ? -1 : tasks.indexOf(e.task());
        if (task >= 0) {
            samples.request(task, t, seq);
        }
        samples.mature(t, p -> state.learn(p.type, p.idle, p.label));
        state.observe(e, task);
        probesTaken = 0;
        if (lastSample == Long.MIN_VALUE || t - lastSample >= config.sampleSpacingMillis() || task >= 0
                && t - lastSample >= 1000) {
            sample(t);
            lastSample = t;
        }
        if (samples.matured() >= nextTraining) {
            train(t);
            nextTraining = samples.matured() < 4 * config.firstTraining() * 4L
                    ? samples.matured() * 2 : samples.matured() + 4000;
        }
    }

    /**
     * Takes the idle probes of the current quiet spell that are due by {@code until}, in time order. Called before
     * every forecast too, so that the feature state only ever moves forward in time.
     */
    private void takeIdleProbes(long until) {
        long last = state.lastEventTime();
        long[] probes = config.idleProbesMillis();
        while (last != Long.MIN_VALUE && probesTaken < probes.length && last + probes[probesTaken] <= until) {
            sample(last + probes[probesTaken]);
            probesTaken++;
        }
    }

    private void sample(long at) {
        float[] x = new float[cols];
        state.vector(at, x);
        samples.take(new Samples.Pending(at, seq, x, state.lastType(), state.idleBuckets(at), tasks.size()));
    }

    /** Retrains every task's classifier on the matured samples (a task with too few positives keeps the heuristic). */
    public void train(long now) {
        if (samples.size() == 0) {
            return;
        }
        float[] x = samples.features();
        for (int k = 0; k < tasks.size(); k++) {
            float[] y = samples.labels(k);
            int positives = 0;
            for (float v : y) {
                positives += (int) v;
            }
            if (positives >= config.minPositives() && y.length - positives >= config.minPositives()) {
                float[] prior = new float[y.length];
                for (int i = 0; i < y.length; i++) {
                    prior[i] = (float) logit(x[i * cols + hazardIndex(k)]);
                }
                models[k] = XgbTrainer.train(x, y.length, cols, y, prior, config.params());
            }
        }
        trainings++;
        lastTrainedAt = now;
    }

    /**
     * Probability that each task is requested within the model horizon, into {@code out} (the hot path). Beyond the
     * longest idle probe (an hour without any event) nothing is predicted: the classifiers never saw such a state,
     * and the developer is away; the next event starts predicting again.
     */
    public void probabilities(long now, double[] out) {
        takeIdleProbes(now);
        state.vector(Math.max(now, state.lastEventTime()), scratch);
        long[] probes = config.idleProbesMillis();
        boolean outOfRange = now - state.lastEventTime() > probes[probes.length - 1];
        for (int k = 0; k < tasks.size(); k++) {
            double prior = scratch[hazardIndex(k)];
            out[k] = outOfRange ? 0 : models[k] == null ? prior
                    : 1 / (1 + Math.exp(-(logit(prior) + models[k].margin(scratch))));
        }
    }

    @Override
    public List<TaskForecast> forecast(long nowMillis, int horizonSeconds) {
        double[] p = new double[tasks.size()];
        probabilities(nowMillis, p);
        List<String> names = Features.names(tasks);
        List<TaskForecast> out = new ArrayList<>();
        double ratio = horizonSeconds * 1000.0 / config.horizonMillis();
        for (int k = 0; k < tasks.size(); k++) {
            double ph = 1 - Math.pow(1 - Math.min(p[k], 0.999999), ratio);
            double rate = -Math.log(1 - Math.min(p[k], 0.999999)) / (config.horizonMillis() / 1000.0);
            double until = rate <= 0 ? Double.MAX_VALUE : 1 / rate;
            List<String> reasons = new ArrayList<>();
            double confidence;
            if (models[k] != null) {
                double[] g = models[k].pathGain(scratch, cols);
                Integer[] order = new Integer[cols];
                for (int i = 0; i < cols; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, Comparator.comparingDouble(i -> -g[i]));
                for (int i = 0; i < 3 && g[order[i]] > 0; i++) {
                    reasons.add(Features.describe(names.get(order[i]), scratch[order[i]]));
                }
                confidence = Math.min(1.0, samples.size() / 5000.0) * (0.5 + Math.abs(p[k] - 0.5));
            } else {
                reasons.add(Features.describe(names.get(Features.GLOBAL + k * Features.PER_TASK + 7),
                        scratch[Features.GLOBAL + k * Features.PER_TASK + 7]));
                reasons.add("heuristic: not enough history to train yet (WMP-1003)");
                confidence = Math.min(0.5, samples.size() / 2000.0);
            }
            out.add(new TaskForecast(tasks.get(k), ph, until, confidence, reasons));
        }
        out.sort(Comparator.comparingDouble(TaskForecast::probability).reversed());
        return out;
    }

    /** The heuristic's estimate for task {@code k}: the prior the trees correct. */
    private static int hazardIndex(int k) {
        return Features.GLOBAL + k * Features.PER_TASK + 7;
    }

    private static double logit(double p) {
        double q = Math.min(0.99, Math.max(0.01, p));
        return Math.log(q / (1 - q));
    }

    /** How many trainings ran, and when the last did (epoch ms, or Long.MIN_VALUE). */
    public long trainings() {
        return trainings;
    }

    public long lastTrainedAt() {
        return lastTrainedAt;
    }

    public long maturedSamples() {
        return samples.matured();
    }

    /** The current classifier of a task, or null while the heuristic answers for it. */
    public TreeEnsemble model(int task) {
        return models[task];
    }

    /** Installs classifiers (from a persisted model file). */
    public void install(TreeEnsemble[] ensembles) {
        System.arraycopy(ensembles, 0, models, 0, Math.min(ensembles.length, models.length));
    }
}
