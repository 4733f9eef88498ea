package dev.warmup.server.prediction;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;

/** The answer to {@code warmup.retrain}, whose fields protocol/README.md documents. */
final class RetrainAnswer {
    private RetrainAnswer() {}

    /**
     * After {@code p} trained: its name, samples and trainings, the tasks with trees, the model {@code file} and
     * whether it was saved ({@code notSaved}: why not, or null), and why the history could not be read (or null).
     */
    static JsonObject of(LearnedPredictor p, Path file, String notSaved, String historyUnread) {
        JsonObject o = new JsonObject();
        o.addProperty("predictor", p.name());
        o.addProperty("samples", p.maturedSamples());
        o.addProperty("trainings", p.trainings());
        JsonArray learned = new JsonArray();
        for (int k = 0; k < p.tasks().size(); k++) {
            if (p.model(k) != null) {
                learned.add(p.tasks().get(k));
            }
        }
        o.add("learnedTasks", learned);
        o.addProperty("file", file.toString());
        o.addProperty("saved", notSaved == null);
        if (notSaved != null) {
            o.addProperty("notSaved", notSaved);
        }
        if (historyUnread != null) {
            o.addProperty("historyUnread", historyUnread);
        }
        return o;
    }
}
