package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.LogCapture;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.usage.UsageEvent;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status note's words, and a training failure logged once while it fails the same way. */
class PredictorNoteTest {
    @Test
    void aTrainingFailureIsLoggedOnceWhileItRepeatsAndAgainAfterATrainingThatWorked() {
        RuntimeException[] failure = {new WarmupException(ErrorCode.WMP_2002, "no library here")};
        LearnedPredictor p = new LearnedPredictor(List.of("completion", "chat"), ZoneOffset.UTC,
                LearnedPredictor.Config.defaults(0.1), (x, rows, cols, y, prior, params) -> {
                    if (failure[0] != null) {
                        throw failure[0];
                    }
                    return XgbTrainer.train(x, rows, cols, y, prior, params);
                });
        List<UsageEvent> history = PredictionEngineTest.history(0);
        history.forEach(p::observe);
        long end = history.get(history.size() - 1).at();
        PredictorNote note = new PredictorNote();
        try (LogCapture logged = new LogCapture(PredictorNote.class)) {
            note.sayTrainingFailure(p);
            p.train(end);
            note.sayTrainingFailure(p); // the same failure again: not said again
            assertEquals(List.of("WMP-2002 Training failed: no library here"), logged.messages);
            assertEquals("WMP-2002 Training failed: no library here; the context-rate heuristic answers for every"
                    + " task (WMP-7004 cannot read; learning from this session's events only)",
                    PredictorNote.describe(p, "WMP-7004 cannot read"));

            failure[0] = null;
            p.train(end);
            note.sayTrainingFailure(p); // nothing to say
            String trained = PredictorNote.describe(p, null);
            assertTrue(trained.startsWith("learned from ") || trained.startsWith("trees trained on "), trained);
            assertEquals(1, logged.messages.size(), logged.messages.toString());
            failure[0] = new WarmupException(ErrorCode.WMP_2002, "no library here");
            p.train(end);
            note.sayTrainingFailure(p); // failing again after a training that worked: said again
            assertEquals(2, logged.messages.size(), logged.messages.toString());
            assertEquals("WMP-2002 Training failed: no library here; the trees trained before serve",
                    PredictorNote.describe(p, null));
        }
    }
}
