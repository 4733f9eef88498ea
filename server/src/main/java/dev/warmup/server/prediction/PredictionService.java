package dev.warmup.server.prediction;

import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.Tasks;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.UsageEvent;
import dev.warmup.server.usage.UsagePatternAnalyzer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live PredictionEngine: one {@link LearnedPredictor} for the catalogue's tasks, fed every recorded event on its
 * own thread (training runs there too, never on an LSP thread), rebuilt from the stored history at start and when
 * the catalogue's tasks or {@code learningRate} change, and persisted to {@code predictor.json} after each training.
 * A rebuild reads the events recorded before the service started from the store and replays those since from a
 * journal kept on the predictor's thread, so each event reaches the new predictor exactly once, in order. When the
 * history is forgotten ({@code warmup.forgetHistory}, here or by another server using the same store: checked before
 * each save, and at an event or a scheduler's tick at most once a minute), what was learnt from it goes too.
 */
@Singleton
public final class PredictionService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PredictionService.class.getName());
    static final String FILE = "predictor.json"; // DataDirectory.OWN_FILES names it too
    private static final long CLOSE_WAIT_SECONDS = 5;
    /** Events since the start kept for rebuilds; past it, the oldest half is read back from the store instead. */
    static final int JOURNAL_LIMIT = 100_000;
    /** How long after a rebuild that could not read the history the read is tried again (at a scheduler's tick). */
    static final long UNREAD_RETRY_MILLIS = 10 * 60_000L;

    private final ConfigurationManager config;
    private final UsagePatternAnalyzer analyzer;
    private final UsageStore store;
    private final PredictorFile modelFile;
    private final DataDirectory dataDirectory;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "warmup-predictor");
        t.setDaemon(true);
        return t;
    });
    private final List<Runnable> observed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile LearnedPredictor predictor;
    private volatile String note = "starting";
    private int onTrees;
    private String historyUnread; // why the last rebuild could not read the history (WMP-7004), or null
    private long unreadAt; // when it could not
    private final ModelWarmupMetrics metrics;
    private volatile EventJournal journal; // set by start(); used on the predictor's thread
    private LiveTimeline timeline; // the live predictor's, set with it; used on the predictor's thread
    private volatile long changes; // events shown and rebuilds, counted on the predictor's thread
    private final ForecastCache cache = new ForecastCache();
    private Build built;
    private long savedTrainings;
    private final PredictorNote said = new PredictorNote();
    private final ForgottenHistory forgotten;

    @Inject
    public PredictionService(ConfigurationManager config, UsagePatternAnalyzer analyzer, UsageStore store,
                             DataDirectory dataDirectory, ModelWarmupMetrics metrics, Clock clock) {
        this.config = config;
        this.metrics = metrics;
        this.analyzer = analyzer;
        this.store = store;
        this.modelFile = new PredictorFile(dataDirectory.resolve(FILE));
        this.dataDirectory = dataDirectory;
        this.clock = clock;
        this.forgotten = new ForgottenHistory(store);
    }

    /** Called on the predictor's thread after each new event has been shown to the predictor. */
    public void onObserved(Runnable listener) {
        observed.add(listener);
    }

    /** Where warnings (a discarded model file) go; the server sends them to the client. */
    public void onWarning(Consumer<String> sink) {
        modelFile.onWarning(sink);
    }

    /** Rebuilds from the history and starts following new events; returns when the rebuild is done. */
    public CompletableFuture<Void> start() {
        journal = new EventJournal(clock.millis(), JOURNAL_LIMIT);
        analyzer.observe(e -> worker.execute(() -> observe(e)));
        config.addListener(s -> worker.execute(() -> {
            if (built != null && !built.equals(Build.of(s))) {
                rebuild();
            }
        }));
        return CompletableFuture.runAsync(this::rebuild, worker);
    }

    /** What a predictor is built for: the settings that need a rebuild when they change. */
    private record Build(List<String> tasks, double learningRate) {
        static Build of(WarmupSettings s) {
            return new Build(tasksOf(s), s.learningRate());
        }
    }

    /** Completes once everything queued for the predictor so far (events, a rebuild) has been done. */
    CompletableFuture<Void> settled() {
        return CompletableFuture.runAsync(() -> {}, worker);
    }

    /** The learning rate the current predictor was built with (NaN before the first build). */
    double learningRate() {
        return built == null ? Double.NaN : built.learningRate();
    }

    static List<String> tasksOf(WarmupSettings s) {
        Set<String> tasks = new LinkedHashSet<>();
        for (ModelSpec m : s.models()) {
            tasks.addAll(m.tasks());
        }
        return tasks.isEmpty() ? List.of(Tasks.COMPLETION, Tasks.CHAT, Tasks.ANALYSIS, Tasks.REFACTORING)
                : List.copyOf(tasks);
    }

    /**
     * Rebuilds the predictor from the history; one that fails (a bug, or history it cannot learn from) is WMP-2002 in
     * the log and in the status note, and whatever served before (the heuristic at the start) serves on.
     */
    private void rebuild() {
        try {
            rebuildFromHistory();
        } catch (RuntimeException | LinkageError e) {
            String why = new WarmupException(ErrorCode.WMP_2002, "rebuilding the predictor from the history: " + e)
                    .getMessage();
            LOG.log(Level.SEVERE, why, e);
            if (predictor == null) { // without one nothing would be forecast: the context rates learn from here on
                predictor = fresh(config.current());
                timeline = new LiveTimeline();
                changes++;
            }
            note = why + (predictor.learned() ? "; the predictor built before serves on"
                    : "; the context-rate heuristic serves, learning from the events from now on");
        }
    }

    private void rebuildFromHistory() {
        WarmupSettings s = config.current();
        built = Build.of(s); // first: a failure after it still leaves fresh() what to build (rebuild's fallback)
        forgotten.built();
        LearnedPredictor fromStore = fresh(s);
        LiveTimeline placed = new LiveTimeline(); // the history is in time order: this only holds back the future
        long now = clock.millis();
        LearnedPredictor p = fromStore;
        LiveTimeline replayed = placed;
        try {
            journal.replay(store, e -> learn(fromStore, placed, e, now));
            historyUnread = null;
        } catch (SQLException e) {
            historyUnread = new WarmupException(ErrorCode.WMP_7004, "reading the history for the predictor: "
                    + e.getMessage()).getMessage();
            unreadAt = clock.millis();
            LOG.log(Level.WARNING, historyUnread, e);
            p = fresh(s); // not a part of the history and the journal again: what came since the start at least
            replayed = new LiveTimeline();
            for (UsageEvent kept : journal.kept()) {
                learn(p, replayed, kept, now);
            }
        }
        savedTrainings = p.trainings();
        predictor = p;
        timeline = replayed;
        changes++;
        onTrees = p.tasksOnTrees();
        note = PredictorNote.describe(p, historyUnread);
        said.sayTrainingFailure(p);
    }

    private LearnedPredictor fresh(WarmupSettings s) {
        LearnedPredictor p = new LearnedPredictor(built.tasks(), clock.getZone(),
                LearnedPredictor.Config.defaults(s.learningRate()));
        modelFile.loadInto(p);
        return p;
    }

    private static void learn(LearnedPredictor p, LiveTimeline timeline, UsageEvent e, long now) {
        UsageEvent placed = timeline.place(e, now);
        if (placed != null) {
            p.observe(placed);
        }
    }

    private void observe(UsageEvent e) {
        if (!journal.add(e)) { // a late report: the next rebuild reads it from the store
            return;
        }
        if (forgottenElsewhere(true)) { // rebuilt from what was recorded since, this event included
            return;
        }
        LearnedPredictor p = predictor;
        if (p == null) { // the first build has yet to run; it replays the journal
            return;
        }
        UsageEvent placed = timeline.place(e, clock.millis());
        if (placed == null) { // long late: the next rebuild learns it in its place
            return;
        }
        p.observe(placed);
        changes++;
        observed.forEach(Runnable::run);
        if (p.trainings() != savedTrainings) {
            savedTrainings = p.trainings();
            note = PredictorNote.describe(p, historyUnread);
            said.sayTrainingFailure(p);
            save(p);
        }
        if (p.tasksOnTrees() != onTrees) {
            onTrees = p.tasksOnTrees();
            note = PredictorNote.describe(p, historyUnread);
        }
    }

    /**
     * Saves what {@code p} learnt to the model file; returns null, or why it did not: it could not (WMP-2004, logged
     * too: the model keeps serving from memory), or the history it was learnt from was forgotten meanwhile.
     */
    private String save(LearnedPredictor p) {
        if (forgottenElsewhere(false)) { // not what was learnt from a history forgotten meanwhile
            return "the history it was learnt from was forgotten meanwhile (warmup.forgetHistory in another window)";
        }
        return modelFile.save(p);
    }

    /**
     * The forecast for the next {@code horizonSeconds}, computed on the predictor's thread, or the last one while it
     * still holds: no event since, no context boundary passed ({@link LearnedPredictor#nextChange}), and no older than
     * {@code predictionCacheTtlSeconds} (0: always computed afresh). A reused forecast answers at once, even while
     * the predictor's thread is busy training.
     */
    public List<TaskForecast> forecast(int horizonSeconds) {
        long ttl = config.current().predictionCacheTtlSeconds() * 1000L;
        var reused = cache.get(horizonSeconds, changes, clock.millis(), ttl);
        if (reused.isPresent()) {
            return reused.get();
        }
        return call(() -> {
            LearnedPredictor p = predictor;
            if (p == null) {
                return List.<TaskForecast>of();
            }
            long t = clock.millis();
            List<TaskForecast> f = List.copyOf(p.forecast(t, horizonSeconds));
            cache.put(horizonSeconds, changes, t, p.nextChange(t), f);
            return f;
        });
    }

    /** Forecasts as they will stand {@code leadMillis} from now if nothing happens meanwhile (for a load). */
    public List<TaskForecast> forecastAhead(long leadMillis, int horizonSeconds) {
        return call(() -> {
            long now = clock.millis();
            return predictor == null ? List.<TaskForecast>of()
                    : predictor.forecastAt(now, now + leadMillis, horizonSeconds);
        });
    }

    /**
     * Per task of {@code tasks}, the requests expected to follow the first of a burst within {@code loadSeconds}
     * (see {@link Predictor#followers}).
     */
    public double[] followers(List<String> tasks, double loadSeconds) {
        return call(() -> {
            double[] out = new double[tasks.size()];
            LearnedPredictor p = predictor;
            for (int i = 0; p != null && i < out.length; i++) {
                out[i] = p.followers(tasks.get(i), loadSeconds);
            }
            return out;
        });
    }

    /** {@code heuristic} or {@code xgboost}, and a note for {@code warmup/status}. */
    public String name() {
        LearnedPredictor p = predictor;
        return p == null ? "heuristic" : p.name();
    }

    public String note() {
        return note;
    }

    /**
     * {@code warmup.retrain}: trains on everything matured now and saves the model; {@code saved} says whether it
     * did, {@code notSaved} why not (WMP-2004 when it could not: the trained model serves all the same).
     */
    public JsonObject retrain() {
        return call(() -> {
            forgottenElsewhere(false); // not trained on a history another server forgot
            if (historyUnread != null) {
                rebuild(); // the history the last rebuild could not read, if the store gives it now
            }
            LearnedPredictor p = predictor;
            if (p == null) {
                throw new WarmupException(ErrorCode.WMP_1003, "the predictor is still starting");
            }
            if (p.maturedSamples() == 0) {
                throw new WarmupException(ErrorCode.WMP_1003, historyUnread == null
                        ? "no training samples yet: use the editor for a while"
                        : "no training samples: the history cannot be read now (" + historyUnread + ")");
            }
            p.train(clock.millis());
            savedTrainings = p.trainings();
            note = PredictorNote.describe(p, historyUnread);
            said.sayTrainingFailure(p);
            if (p.trainingFailure() != null) {
                throw p.trainingFailure(); // and nothing new to save
            }
            return RetrainAnswer.of(p, modelFile.path(), save(p), historyUnread);
        });
    }

    /**
     * {@code warmup.forgetHistory}: erases the recorded history from the store and the files that hold it or were
     * learnt from it ({@link ErasedHistory}), and starts this predictor afresh; the other servers using the store
     * follow ({@link ForgottenHistory}).
     */
    public JsonObject forgetHistory() {
        // the events still on their way to the store go too: dropped, not written (a failing store could take them
        // only after the erasure, and they would outlive it)
        int unstored = Math.max(0, analyzer.discardUnstored());
        return call(() -> {
            long now = clock.millis();
            ErasedHistory gone = ErasedHistory.erase(store, dataDirectory, metrics, unstored, now);
            forgetLearnt(now);
            return gone.answer();
        });
    }

    /**
     * Asks, on the predictor's thread, whether another server forgot the history (at most once a minute, as at an
     * event): the scheduler's ticks call it, so that a server whose editor sends nothing forgets too. And when the
     * last rebuild could not read the history, it is rebuilt again once {@value #UNREAD_RETRY_MILLIS} ms have passed,
     * so that the history counts again once the store gives it.
     */
    public void followStore() {
        try {
            worker.execute(() -> {
                if (predictor == null) { // not built yet: nor is the journal there
                    return;
                }
                if (!forgottenElsewhere(true) && historyUnread != null
                        && clock.millis() - unreadAt >= UNREAD_RETRY_MILLIS) {
                    rebuild();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the server is stopping
        }
    }

    /**
     * Whether another server using the store (or the {@code forget} command) forgot the history since this predictor
     * was built; if so, what it learnt goes too, and it is rebuilt from what was recorded since. The files were that
     * server's to delete; one it could not is not loaded here.
     */
    private boolean forgottenElsewhere(boolean atEvent) {
        java.util.OptionalLong at = forgotten.since(clock.millis(), atEvent);
        if (at.isEmpty()) {
            return false;
        }
        LOG.info("the history was forgotten by another server using " + store.file() + ": forgotten here too");
        forgetLearnt(at.getAsLong());
        return true;
    }

    /**
     * The history was forgotten at {@code at}: this predictor is rebuilt from what was recorded since, without the
     * model file if one is still there (trained on the forgotten history, it could not be deleted).
     */
    private void forgetLearnt(long at) {
        modelFile.historyForgotten();
        journal.forgottenAt(at);
        rebuild();
    }

    /** {@code warmup.evaluate}, on the predictor's thread ({@link HistoryEvaluation}). */
    public JsonObject evaluate() {
        boolean all = analyzer.awaitStored(); // the last second's events too
        return call(() -> {
            JsonObject scores = HistoryEvaluation.of(store, config.current(), clock.getZone());
            return all ? scores : UsagePatternAnalyzer.markIncomplete(scores, "evaluation");
        });
    }

    private <T> T call(java.util.concurrent.Callable<T> job) {
        try {
            return worker.submit(job).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof WarmupException w) {
                throw w;
            }
            throw new WarmupException(ErrorCode.WMP_2002, String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WarmupException(ErrorCode.WMP_2002, "interrupted");
        }
    }

    /**
     * Stops the predictor's thread and waits up to {@value #CLOSE_WAIT_SECONDS} s for what it was doing (a training,
     * a save of the model file) to end, so that nothing is written to the data directory, or read from the store,
     * once this returns.
     */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            if (!worker.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.fine("the predictor's thread was still busy after " + CLOSE_WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
