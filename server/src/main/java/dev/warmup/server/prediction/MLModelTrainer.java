package dev.warmup.server.prediction;

import com.google.gson.JsonObject;
import dev.warmup.server.usage.UsageEvent;
import java.time.ZoneId;
import java.util.List;

/**
 * Trains the predictor from a recorded history (time-ordered: it sees the events as they happened, so every
 * training inside uses only the past) and, with a time-ordered split, scores it on the most recent part.
 */
public final class MLModelTrainer {
    private MLModelTrainer() {}

    /** A predictor that has seen the whole history, with a final training on everything matured. */
    public static LearnedPredictor train(List<UsageEvent> history, List<String> tasks, ZoneId zone,
                                         double learningRate) {
        LearnedPredictor p = new LearnedPredictor(tasks, zone, LearnedPredictor.Config.defaults(learningRate));
        for (UsageEvent e : history) {
            p.observe(e);
        }
        if (!history.isEmpty()) {
            p.train(history.get(history.size() - 1).at());
        }
        return p;
    }

    /**
     * Trains on the history and scores the last {@code holdout} fraction of it (by time) prequentially with
     * {@link MLModelEvaluator}: before the split the predictor only learns; after it, every forecast is compared
     * with what happened next, and only then learnt from.
     */
    public static JsonObject evaluate(List<UsageEvent> history, List<String> tasks, ZoneId zone, double learningRate,
                                      double threshold, double holdout) {
        JsonObject out = new JsonObject();
        out.addProperty("events", history.size());
        if (history.isEmpty()) {
            out.addProperty("note", "no history yet (WMP-1003)");
            return out;
        }
        long first = history.get(0).at();
        long last = history.get(history.size() - 1).at();
        long split = last - Math.round((last - first) * holdout);
        LearnedPredictor p = new LearnedPredictor(tasks, zone, LearnedPredictor.Config.defaults(learningRate));
        JsonObject scores = MLModelEvaluator.evaluate(p, history, split, p.horizonMillis(), threshold);
        out.addProperty("splitAt", java.time.Instant.ofEpochMilli(split).toString());
        out.addProperty("predictor", p.name());
        out.add("holdout", scores);
        return out;
    }
}
