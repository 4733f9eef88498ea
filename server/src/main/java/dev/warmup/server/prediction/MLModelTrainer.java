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
     * Trains on the history and scores the last {@code holdout} fraction of its events prequentially with
     * {@link MLModelEvaluator}: before the split (the time of the first held-out event) the predictor only learns;
     * after it, every forecast is compared with what happened next, and only then learnt from. The split counts
     * events, not time, so that a break (a holiday, then a few commands today) does not leave the holdout empty.
     */
    public static JsonObject evaluate(List<UsageEvent> history, List<String> tasks, ZoneId zone, double learningRate,
                                      double threshold, double holdout) {
        JsonObject out = new JsonObject();
        out.addProperty("events", history.size());
        if (history.isEmpty()) {
            out.addProperty("note", "no history yet (WMP-1003)");
            return out;
        }
        int held = (int) Math.min(history.size() - 1, Math.floor(history.size() * (1 - holdout)));
        long split = history.get(held).at();
        LearnedPredictor p = new LearnedPredictor(tasks, zone, LearnedPredictor.Config.defaults(learningRate));
        JsonObject scores = MLModelEvaluator.evaluate(p, history, split, p.horizonMillis(), threshold);
        out.addProperty("splitAt", java.time.Instant.ofEpochMilli(split).toString());
        out.addProperty("predictor", p.name());
        out.add("holdout", scores);
        return out;
    }
}
