package dev.warmup.server.prediction;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What {@code warmup/status} says of the predictor: what forecasts now, and from how much history; and, when the
 * history recorded before the last rebuild could not be read, that it learns without it (until a rebuild reads it:
 * {@link PredictionService#followStore}). A training's failure is logged once, not again at each training that
 * fails the same way (at the cadence). Used on the predictor's thread.
 */
final class PredictorNote {
    private static final Logger LOG = Logger.getLogger(PredictorNote.class.getName());
    private String saidFailure; // the training failure last logged, or null

    /** The note for {@code p}; {@code historyUnread}: why the history could not be read (WMP-7004), or null. */
    static String describe(LearnedPredictor p, String historyUnread) {
        String unread = historyUnread == null ? ""
                : " (" + historyUnread + "; learning from this session's events only)";
        if (p.trainingFailure() != null) {
            return p.trainingFailure().getMessage() + (p.learned() ? "; the trees trained before serve"
                    : "; the context-rate heuristic answers for every task") + unread;
        }
        if (!p.learned()) {
            return new WarmupException(ErrorCode.WMP_1003, "not enough history to train yet (" + p.maturedSamples()
                    + " samples); the context-rate heuristic answers").getMessage() + unread;
        }
        int on = p.tasksOnTrees();
        String from = p.maturedSamples() > 0 ? p.maturedSamples() + " samples"
                : "the history behind the saved model file"; // its trees, with no history read since
        return (on > 0 ? "learned from " + from + "; the trees forecast " + on + " of " + p.tasks().size()
                + " tasks, the context rates the rest"
                : "trees trained on " + from + "; the context rates forecast better so far") + unread;
    }

    /** Logs {@code p}'s training failure, with its WMP code, unless it is the one logged last. */
    void sayTrainingFailure(LearnedPredictor p) {
        String failure = p.trainingFailure() == null ? null : p.trainingFailure().getMessage();
        if (failure != null && !failure.equals(saidFailure)) {
            LOG.log(Level.SEVERE, failure, p.trainingFailure().getCause());
        }
        saidFailure = failure;
    }
}
