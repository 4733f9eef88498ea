package dev.warmup.server.prediction;

import com.google.gson.JsonObject;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.UsageEvent;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code warmup.evaluate}: AUC, Brier, precision and recall of a predictor learning the stored history afresh, on its
 * last fifth ({@link MLModelTrainer#evaluate}).
 */
final class HistoryEvaluation {
    /**
     * The latest this many events at most are scored: they are all held in memory (1.5 million made a server with the
     * clients' 256 MB heap run out of it and exit).
     */
    static final int MAX_EVENTS = 400_000;

    private HistoryEvaluation() {}

    static JsonObject of(UsageStore store, WarmupSettings s, ZoneId zone) {
        List<UsageEvent> history = new ArrayList<>();
        long from;
        try {
            from = store.afterAllButLatest(MAX_EVENTS);
            store.events(from, Long.MAX_VALUE, history::add);
        } catch (SQLException e) {
            throw new WarmupException(ErrorCode.WMP_7004, "reading the history: " + e.getMessage(), e);
        }
        JsonObject scores = MLModelTrainer.evaluate(history, PredictionService.tasksOf(s), zone, s.learningRate(),
                s.predictionThreshold(), 0.2);
        if (from != Long.MIN_VALUE) {
            scores.addProperty("note", "scored on the latest events only, from " + Instant.ofEpochMilli(from)
                    + ": the store holds more than " + MAX_EVENTS);
        }
        return scores;
    }
}
