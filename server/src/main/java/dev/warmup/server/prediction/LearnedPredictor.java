package dev.warmup.server.prediction;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.usage.UsageEvent;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The PredictionEngine's predictor: per task, an XGBoost classifier of "requested within the horizon", trained
 * online and prequentially on this user's own history (samples mature only once their horizon has elapsed), and
 * evaluated by a plain-Java {@link TreeEnsemble}. Until a task's classifier exists, the {@link ContextRates} estimate
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
    private final ForecastReferee referee;
    private final Bursts bursts;
    private final Trainer trainer;
    private WarmupException trainingFailure; // why the last training could not fit some task's trees, or null
    private long seq;
    private int probesTaken;
    private long lastSample = Long.MIN_VALUE;
    private long nextTraining;
    private long trainings;
    private long lastTrainedAt = Long.MIN_VALUE;

    /** Fits one task's classifier on the matured samples; {@link XgbTrainer} but in tests. */
    @FunctionalInterface
    interface Trainer {
        TreeEnsemble train(float[] x, int rows, int cols, float[] labels, float[] baseMargin, XgbTrainer.Params p);
    }

    public LearnedPredictor(List<String> tasks, ZoneId zone, Config config) {
        this(tasks, zone, config, XgbTrainer::train);
    }

    LearnedPredictor(List<String> tasks, ZoneId zone, Config config, Trainer trainer) {
        this.trainer = trainer;
        this.tasks = List.copyOf(tasks);
        this.config = config;
        this.cols = Features.size(tasks.size());
        this.state = new FeatureState(tasks.size(), zone, config.horizonMillis());
        this.samples = new Samples(tasks.size(), cols, config.horizonMillis(), config.capacity());
        this.models = new TreeEnsemble[tasks.size()];
        this.scratch = new float[cols];
        this.referee = new ForecastReferee(tasks.size());
        this.bursts = new Bursts(tasks.size());
        this.nextTraining = config.firstTraining();
    }

    @Override
    public String name() {
        return tasksOnTrees() > 0 ? "xgboost" : "heuristic";
    }

    /** How many tasks the trees forecast now (trained, and shown better than the heuristic by the referee). */
    public int tasksOnTrees() {
        int n = 0;
        for (int k = 0; k < models.length; k++) {
            n += usesTrees(k) ? 1 : 0;
        }
        return n;
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

    /**
     * Not for live use: fits the context rates on {@code whole}, the user's entire trace, future included, and
     * freezes them, so that a replay from the start forecasts with the whole trace's statistics (the hindsight bound
     * of what these contexts can tell). Call before the first {@link #observe}.
     */
    public void fitContextRatesInHindsight(List<UsageEvent> whole) {
        int[] taskOf = new int[whole.size()];
        for (int i = 0; i < taskOf.length; i++) {
            taskOf[i] = taskOf(whole.get(i));
        }
        state.fitRatesInHindsight(whole, taskOf);
    }

    /** The index of the task {@code e} requests, or -1 (a context event, or a task outside the catalogue). */
    private int taskOf(UsageEvent e) {
        return e.task() == null ? -1 : tasks.indexOf(e.task());
    }

    @Override
    public void observe(UsageEvent e) {
        long t = e.at();
        takeIdleProbes(t - 1); // the quiet time since the last event: what idling looks like
        seq++;
        int task = taskOf(e);
        if (task >= 0) {
            samples.request(task, t, seq);
        }
        samples.mature(t, this::matured);
        state.observe(e, task);
        bursts.observe(t, task);
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

    /** A sample's horizon has passed: the referee scores the forecasts it would have had, then the state learns. */
    private void matured(Samples.Pending p) {
        for (int k = 0; k < tasks.size(); k++) {
            if (models[k] != null) {
                double prior = p.x[contextIndex(k)];
                referee.score(k, prior, corrected(prior, models[k].margin(p.x)), p.label[k]);
            }
        }
        state.learn(p.type, p.label);
    }

    private void sample(long at) {
        float[] x = new float[cols];
        state.vector(at, x);
        samples.take(new Samples.Pending(at, seq, x, state.lastType(), tasks.size()));
    }

    /**
     * Retrains every task's classifier on the matured samples (a task with too few positives keeps the heuristic).
     * A training that fails (XGBoost's native library not loading, or a bug) leaves the task with what it had, its
     * trees or the context rates, and is said by {@link #trainingFailure}; the next is tried at the usual cadence.
     */
    public void train(long now) {
        if (samples.size() == 0) {
            return;
        }
        WarmupException failed = null;
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
                    prior[i] = (float) logit(x[i * cols + contextIndex(k)]);
                }
                try {
                    models[k] = trainer.train(x, y.length, cols, y, prior, config.params());
                } catch (WarmupException e) {
                    failed = e;
                } catch (RuntimeException e) { // a bug: said the same way, not at every event from here on
                    failed = new WarmupException(ErrorCode.WMP_2002, String.valueOf(e), e);
                }
            }
        }
        trainingFailure = failed;
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
        evaluate(now, out);
    }

    /**
     * The forecast as it will stand at {@code at} (not before {@code now}) if nothing happens until then: what a load
     * started now will face once it has finished loading.
     */
    public void probabilitiesAt(long now, long at, double[] out) {
        takeIdleProbes(now);
        evaluate(Math.max(now, at), out);
    }

    private void evaluate(long now, double[] out) {
        state.vector(Math.max(now, state.lastEventTime()), scratch);
        long[] probes = config.idleProbesMillis();
        boolean outOfRange = now - state.lastEventTime() > probes[probes.length - 1];
        for (int k = 0; k < tasks.size(); k++) {
            double prior = scratch[contextIndex(k)];
            out[k] = outOfRange ? 0 : usesTrees(k) ? corrected(prior, models[k].margin(scratch)) : prior;
        }
    }

    @Override
    public double followers(String task, double seconds) {
        int k = tasks.indexOf(task);
        return k < 0 ? 0 : followers(k, seconds);
    }

    /** {@link #followers(String, double)} by task index. */
    public double followers(int k, double seconds) {
        return bursts.followers(k, seconds);
    }

    @Override
    public List<TaskForecast> forecast(long nowMillis, int horizonSeconds) {
        return forecastAt(nowMillis, nowMillis, horizonSeconds);
    }

    @Override
    public List<TaskForecast> forecastAt(long nowMillis, long atMillis, int horizonSeconds) {
        double[] p = new double[tasks.size()];
        probabilitiesAt(nowMillis, atMillis, p);
        List<String> names = Features.names(tasks);
        List<TaskForecast> out = new ArrayList<>();
        double ratio = horizonSeconds * 1000.0 / config.horizonMillis();
        for (int k = 0; k < tasks.size(); k++) {
            double ph = 1 - Math.pow(1 - Math.min(p[k], 0.999999), ratio);
            double rate = -Math.log(1 - Math.min(p[k], 0.999999)) / (config.horizonMillis() / 1000.0);
            double until = rate <= 0 ? Double.MAX_VALUE : 1 / rate;
            List<String> reasons = new ArrayList<>();
            double confidence;
            if (usesTrees(k)) {
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
                reasons.add(Features.describe(names.get(contextIndex(k)), scratch[contextIndex(k)]));
                if (models[k] == null) {
                    reasons.add("heuristic: not enough history to train yet (WMP-1003)");
                    confidence = Math.min(0.5, samples.size() / 2000.0);
                } else {
                    double[] loss = referee.losses(k);
                    reasons.add(String.format(Locale.ROOT, "heuristic: it forecasts better than the trained trees"
                            + " (log-loss %.3f against %.3f on the latest outcomes)", loss[0], loss[1]));
                    confidence = Math.min(1.0, samples.size() / 5000.0) * (0.5 + Math.abs(p[k] - 0.5));
                }
            }
            out.add(new TaskForecast(tasks.get(k), ph, until, confidence, reasons));
        }
        out.sort(Comparator.comparingDouble(TaskForecast::probability).reversed());
        return out;
    }

    /**
     * When the forecast next changes by the passing of time alone (a context boundary of the {@link ContextRates}),
     * so that a caller can decide again then; Long.MAX_VALUE when nothing is pending.
     */
    public long nextChange(long now) {
        if (state.lastEventTime() == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        long end = state.lastEventTime() + config.idleProbesMillis()[config.idleProbesMillis().length - 1] + 1;
        if (now >= end) {
            return Long.MAX_VALUE; // out of range: the forecast stays at zero until the next event
        }
        return Math.min(end, state.nextContextChange(now));
    }

    /** The context-rate estimate for task {@code k}: the heuristic, and the prior the trees correct. */
    private static int contextIndex(int k) {
        return Features.GLOBAL + k * Features.PER_TASK + 7;
    }

    /** Whether task {@code k} is forecast by its trees (trained, and shown better than the heuristic). */
    public boolean usesTrees(int k) {
        return models[k] != null && referee.trustTrees(k);
    }

    private static double corrected(double prior, double margin) {
        return 1 / (1 + Math.exp(-(logit(prior) + margin)));
    }

    private static double logit(double p) {
        double q = Math.min(0.9999, Math.max(0.0001, p));
        return Math.log(q / (1 - q));
    }

    /** Why the last training could not fit some task's trees (WMP-2002), or null when it could. */
    public WarmupException trainingFailure() {
        return trainingFailure;
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
