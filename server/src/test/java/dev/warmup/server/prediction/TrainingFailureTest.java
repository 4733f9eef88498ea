package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.lsp.RawLspProcess;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trees that cannot be trained (XGBoost's native library not loading where the temporary folder is missing, full or
 * mounted noexec) leave the context rates forecasting, and say so, instead of stopping the predictor.
 */
class TrainingFailureTest {
    private static final String NOT_LOADED = "WMP-2002 Training failed: XGBoost's native library could not be loaded"
            + " (";

    @TempDir Path dir;

    @Test
    void aTrainingThatFailsLeavesTheContextRatesForecastingAndIsTriedAgainOnlyAtTheCadence() {
        int[] calls = {0};
        RuntimeException[] failure = {new WarmupException(ErrorCode.WMP_2002, "no library here")};
        LearnedPredictor p = new LearnedPredictor(List.of("completion", "chat"), ZoneOffset.UTC,
                LearnedPredictor.Config.defaults(0.1), (x, rows, cols, y, prior, params) -> {
                    calls[0]++;
                    if (failure[0] != null) {
                        throw failure[0];
                    }
                    return XgbTrainer.train(x, rows, cols, y, prior, params);
                });
        List<UsageEvent> history = PredictionEngineTest.history(0);
        history.forEach(p::observe);

        assertTrue(p.trainings() >= 4, "trained at the cadence: " + p.trainings());
        assertEquals(2 * p.trainings(), calls[0], "each task once a training, not at every event");
        assertEquals("WMP-2002 Training failed: no library here", p.trainingFailure().getMessage());
        assertFalse(p.learned());
        long end = history.get(history.size() - 1).at();
        Map<String, TaskForecast> f = TaskForecast.byTask(p.forecast(end, 300));
        assertEquals(2, f.size());
        assertTrue(f.get("completion").reasons().stream().anyMatch(r -> r.startsWith("in moments like this one")),
                "the context rates answer: " + f);

        failure[0] = new IllegalStateException("a bug"); // said the same way
        p.train(end);
        assertEquals("WMP-2002 Training failed: java.lang.IllegalStateException: a bug",
                p.trainingFailure().getMessage());
        failure[0] = null; // the next training fits trees
        p.train(end);
        assertNull(p.trainingFailure());
        assertTrue(p.learned());
    }

    @Test
    void aServerWhoseTemporaryFolderIsUnusableStartsRecordsAndForecastsWithTheContextRates() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        try (UsageStore store = UsageStore.open(data.resolve("usage.db"))) {
            store.append(PredictionEngineTest.history(System.currentTimeMillis() - 20L * 86_400_000L));
        }
        Path missing = dir.resolve("no-such-folder"); // as a /tmp that cannot be written or run from
        try (RawLspProcess p = RawLspProcess.withJvmOptions(data, List.of("-Djava.io.tmpdir=" + missing))) {
            // before: SQLite's library, unpacked there too, could not load, and the server died here
            p.initialize(JsonParser.parseString(PredictionEngineTest.MODELS).getAsJsonObject());
            String note = "starting";
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (note.equals("starting") && System.nanoTime() < deadline) {
                note = p.request("warmup/status", null).getAsJsonObject("result").get("predictorNote").getAsString();
            }
            // before: the rebuild's error escaped it, and the note said "starting" for good
            assertTrue(note.startsWith(NOT_LOADED + "java.io.IOException: No such file or directory), so no trees can"
                    + " be trained: if OpenMP's runtime (libgomp) is missing, install it; if the temporary folder "
                    + missing + " (java.io.tmpdir) is missing, full or mounted noexec, start the server with"
                    + " -Djava.io.tmpdir=DIR"), note);
            assertTrue(note.endsWith("; the context-rate heuristic answers for every task"), note);

            JsonArray predictions = p.request("warmup/predict", JsonParser.parseString("{\"horizonSeconds\": 300}"))
                    .getAsJsonObject("result").getAsJsonArray("predictions");
            assertEquals(2, predictions.size(), predictions.toString());
            JsonObject retrain = p.request("workspace/executeCommand", JsonParser.parseString(
                    "{\"command\": \"warmup.retrain\", \"arguments\": []}")).getAsJsonObject("error");
            assertTrue(retrain.get("message").getAsString().startsWith(NOT_LOADED), retrain.toString());
            assertTrue(p.request("warmup/status", null).has("result"), "the server answers on");
        }
    }
}
