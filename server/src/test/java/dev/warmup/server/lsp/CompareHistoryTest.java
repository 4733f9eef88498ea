package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.store.FullStore;
import dev.warmup.server.store.UsageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** warmup.compare replays the developer's own history under keep-alive timers and our policy, in the server. */
class CompareHistoryTest {
    @TempDir Path dir;

    @Test
    void theRecordedRequestsAreReplayedWithTheSettingsCatalogue() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            h.initialize("{\"models\": [{\"id\": \"qwen\", \"tasks\": [\"completion\"], \"memoryMb\": 1500,"
                    + " \"loadSeconds\": 3}, {\"id\": \"big\", \"tasks\": [\"refactoring\"], \"memoryMb\": 9000}]}");
            // completion at 0, 1, 20 and 24 minutes; and a chat request for a model the catalogue does not have
            long previous = 0;
            for (long minute : new long[] {0, 1, 20, 24}) {
                h.clock.advance(Duration.ofMinutes(minute - previous));
                previous = minute;
                h.server.getWarmupService().modelUsed(new ModelUsedParams("qwen", "completion",
                        h.clock.instant().toString(), 90L, false)); // handled on a worker: dated here
            }
            h.server.getWarmupService().modelUsed(new ModelUsedParams("llama", "chat", null, 900L, false));
            // and one for a model larger than maxMemoryMb (2048 by default), which the server never warms
            h.server.getWarmupService().modelUsed(new ModelUsedParams("big", "refactoring", null, 900L, false));
            h.flush();
            JsonObject r = new Gson().toJsonTree(h.command("warmup.compare")).getAsJsonObject();
            assertEquals("qwen", r.getAsJsonObject("models").get("completion").getAsString());
            assertEquals("[\"chat\"]", r.get("tasksWithoutModel").toString());
            assertEquals("[\"refactoring\"]", r.get("tasksOverBudget").toString()); // before, the replay failed on it
            assertEquals(4, r.getAsJsonObject("requests").get("completion").getAsInt());
            assertEquals(0, r.get("inferredRequests").getAsInt());
            assertEquals(24.0 / 60, r.get("activeHours").getAsDouble(), 1e-9); // one session, 0 to 24 minutes
            JsonObject p = r.getAsJsonObject("policies");
            // 5 and 10 minutes: cold at 0 and at 20 (unloaded at 6 and 11); 30 minutes: only at 0
            assertEquals(2, p.getAsJsonObject("keepalive-5").get("coldStarts").getAsInt());
            assertEquals(6.0, p.getAsJsonObject("keepalive-5").get("waitSeconds").getAsDouble(), 1e-9);
            assertEquals(2, p.getAsJsonObject("keepalive-10").get("coldStarts").getAsInt());
            assertEquals(1, p.getAsJsonObject("keepalive-30").get("coldStarts").getAsInt());
            assertEquals(1.5 * 24 / 60, p.getAsJsonObject("keepalive-30").get("warmGbHours").getAsDouble(), 1e-9);
            JsonObject ours = p.getAsJsonObject("predictive@0.7"); // the settings' predictionThreshold
            assertTrue(ours.get("coldStarts").getAsInt() >= 1, ours.toString()); // the first request is cold for all
            assertTrue(r.get("summary").getAsString().startsWith("Over 0.4 active hours and 4 model requests,"
                    + " prediction would have had "), r.get("summary").getAsString());
            assertTrue(r.get("summary").getAsString().endsWith("Under an hour of activity says little yet."));
        }
    }

    @Test
    void aComparisonOrEvaluationWhileTheStoreFailsSaysItIsNotComplete() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            h.initialize("{\"models\": [{\"id\": \"qwen\", \"tasks\": [\"completion\"], \"memoryMb\": 1500}]}");
            h.startPrediction();
            h.server.getWarmupService().modelUsed(new ModelUsedParams("qwen", "completion", null, 90L, false));
            h.flush();
            assertFalse(new Gson().toJsonTree(h.command("warmup.compare")).getAsJsonObject().has("complete"));
            FullStore.fill(h.injector.getInstance(UsageStore.class), h.clock.millis()); // inserts fail from now on
            h.clock.advance(Duration.ofMinutes(1));
            h.server.getWarmupService().modelUsed(new ModelUsedParams("qwen", "completion", null, 90L, false));
            JsonObject r = new Gson().toJsonTree(h.command("warmup.compare")).getAsJsonObject(); // after 5 s
            assertEquals(1, r.getAsJsonObject("requests").get("completion").getAsInt(), "what is stored: " + r);
            assertFalse(r.get("complete").getAsBoolean(), r.toString());
            assertTrue(r.get("summary").getAsString().endsWith(" Not complete: the latest events recorded were still"
                    + " waiting for the usage store, which cannot be written now (WMP-7002), and are not in this"
                    + " comparison."), r.get("summary").getAsString());
            JsonObject scores = new Gson().toJsonTree(h.command("warmup.evaluate")).getAsJsonObject();
            assertFalse(scores.get("complete").getAsBoolean(), scores.toString());
            assertTrue(scores.get("note").getAsString().endsWith("and are not in this evaluation"), scores.toString());
        }
    }

    @Test
    void withoutRequestsThereIsNothingToCompare() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            h.initialize("{}");
            ExecutionException e = assertThrows(ExecutionException.class, () -> h.command("warmup.compare"));
            assertTrue(e.getCause().getMessage().contains("WMP-1004 Nothing to compare yet")
                    && e.getCause().getMessage().contains("warmup/modelUsed"), e.getCause().getMessage());
            assertTrue(new Gson().toJsonTree(h.command("warmup.status")).isJsonObject(), "the server goes on");
        }
    }
}
