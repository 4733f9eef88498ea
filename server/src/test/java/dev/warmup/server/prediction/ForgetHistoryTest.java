package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.FullStore;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warmup.forgetHistory}: the recorded history, the model trained on it and what the predictors learnt from it
 * go, in this server and in the others using the same data directory; what happens next is recorded as before.
 */
class ForgetHistoryTest {
    private static final java.util.Map<String, Boolean> CONFIRM = java.util.Map.of("confirm", true);

    @TempDir Path dir;

    /** A server of {@code data} that has learnt from the two weeks of {@link PredictionEngineTest#history}. */
    private static ServerHarness learnt(Path data, boolean withHistory) throws Exception {
        ServerHarness h = new ServerHarness(data);
        if (withHistory) {
            h.injector.getInstance(UsageStore.class).append(PredictionEngineTest.history(
                    h.clock.millis() - 20L * 86_400_000L));
        }
        h.initialize(PredictionEngineTest.MODELS);
        h.startPrediction();
        assertTrue(learnt(h), h.status().predictorNote());
        return h;
    }


    private static boolean learnt(ServerHarness h) throws Exception {
        return !h.status().predictorNote().startsWith("WMP-1003");
    }

    @Test
    void theHistoryTheModelFileAndWhatWasLearntGo() throws Exception {
        Path data = dir.resolve("data");
        try (ServerHarness h = learnt(data, true)) {
            h.command("warmup.retrain");
            assertTrue(Files.exists(data.resolve(PredictionService.FILE)));
            h.command("warmup.exportTrace"); // into the data directory's exports/
            Path aside = Files.writeString(data.resolve("usage.db.corrupt-2026-03-01T09-00-00Z"), "set aside");
            Path mine = Files.writeString(dir.resolve("my-trace.jsonl"), "exported where I chose");
            UsageStore store = h.injector.getInstance(UsageStore.class);
            assertTrue(h.injector.getInstance(dev.warmup.server.usage.UsagePatternAnalyzer.class).awaitStored());
            long events = store.eventCount();

            JsonObject gone = new Gson().toJsonTree(h.command("warmup.forgetHistory", CONFIRM)).getAsJsonObject();
            assertEquals(events + 1, gone.get("events").getAsLong(), "the command's own event too");
            assertTrue(gone.get("dailyCounts").getAsInt() > 0, gone.toString());
            assertTrue(gone.get("compacted").getAsBoolean(), gone.toString());
            assertFalse(gone.has("notCompacted"), gone.toString());
            assertEquals(3, gone.get("filesDeleted").getAsInt(), "the model, the export, the store set aside: " + gone);
            assertFalse(Files.exists(aside));
            try (var left = Files.list(data.resolve("exports"))) {
                assertEquals(0, left.count());
            }
            assertTrue(Files.exists(mine), "not the server's to delete");
            assertFalse(Files.exists(data.resolve(PredictionService.FILE)));
            assertEquals(0, store.eventCount());
            assertEquals(0, store.eventsStoredTotal(), "not even how many there were");
            h.client.await(h.client.statuses, l -> l.get(l.size() - 1).predictorNote().startsWith("WMP-1003"),
                    Duration.ofSeconds(30)); // told at once, not at the next tick
            assertEquals("heuristic", h.status().predictor());
            assertFalse(learnt(h), "learning from nothing again: " + h.status().predictorNote());

            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 80L, false));
            h.flush();
            h.injector.getInstance(PredictionService.class).settled().get(30, TimeUnit.SECONDS);
            assertTrue(h.injector.getInstance(dev.warmup.server.usage.UsagePatternAnalyzer.class).awaitStored());
            List<UsageEvent> after = store.allEvents();
            assertEquals(1, after.size(), "recorded as before: " + after);
        }
        try (ServerHarness again = new ServerHarness(data)) { // and a restart learns nothing back
            again.initialize(PredictionEngineTest.MODELS);
            again.startPrediction();
            assertFalse(learnt(again), again.status().predictorNote());
        }
    }

    @Test
    void whatWaitsForAFailingStoreIsForgottenTooNotWrittenAfterwards() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            h.initialize(PredictionEngineTest.MODELS);
            h.startPrediction();
            UsageStore store = h.injector.getInstance(UsageStore.class);
            h.flush();
            long stored = store.eventCount() + FullStore.fill(store, h.clock.millis());
            for (int i = 0; i < 3; i++) { // accepted, waiting for the store
                h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 80L, false));
            }
            h.status(); // handled
            JsonObject counted = new Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject();
            assertEquals(3, counted.getAsJsonObject("eventsRecorded").get("model_used").getAsLong(), counted.toString());
            long usesSeen = counted.get("hits").getAsLong() + counted.get("misses").getAsLong();
            assertEquals(3, usesSeen, counted.toString());

            JsonObject gone = new Gson().toJsonTree(h.command("warmup.forgetHistory", CONFIRM)).getAsJsonObject();
            assertEquals(stored + 3 + 2, gone.get("events").getAsLong(), "the stored, the 3 waiting, 2 commands: " + gone);

            assertEquals(0, store.eventCount());
            FullStore.makeRoom(store); // room again
            h.flush();
            assertEquals(List.of(), store.allEvents(), "none of what waited was written after the erasure");
            counted = new Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject();
            assertEquals(0, counted.getAsJsonObject("eventsRecorded").get("model_used").getAsLong(),
                    "nor counted in this process's metrics, which a snapshot would store: " + counted);
            assertEquals(0, counted.get("hits").getAsLong() + counted.get("misses").getAsLong(), counted.toString());
            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 80L, false));
            h.flush();
            assertEquals(List.of("COMMAND", "MODEL_USED"), store.allEvents().stream().map(e -> e.kind().name()).toList(),
                    "what comes after is recorded as before");
        }
    }

    @Test
    void anotherServersEventsWaitingForTheStoreAsTheHistoryIsForgottenAreNotStoredAfterwards() throws Exception {
        Path data = dir.resolve("data");
        try (ServerHarness first = new ServerHarness(data); ServerHarness second = new ServerHarness(data)) {
            for (ServerHarness h : List.of(first, second)) {
                h.initialize(PredictionEngineTest.MODELS);
                h.startPrediction();
                h.flush();
            }
            UsageStore secondsStore = second.injector.getInstance(UsageStore.class);
            FullStore.fill(secondsStore, second.clock.millis()); // full for the second server's connection only
            for (int i = 0; i < 3; i++) { // accepted by the second, waiting for the store
                second.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 80L, false));
            }
            second.status(); // handled
            first.clock.advance(Duration.ofSeconds(1));
            first.command("warmup.forgetHistory", CONFIRM);
            UsageStore store = first.injector.getInstance(UsageStore.class);
            assertEquals(0, store.eventCount());
            FullStore.makeRoom(secondsStore); // room again
            second.flush();
            assertEquals(List.of(), store.allEvents(), "what the second recorded before the forget is forgotten too");
            second.clock.advance(Duration.ofSeconds(2));
            second.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 80L, false));
            second.flush();
            assertEquals(1, store.eventCount(), "what it records after is stored as before");
        }
    }

    @Test
    void aFileThatCannotBeDeletedIsNamedWithWmp2005AndEverythingElseIsForgotten() throws Exception {
        Path data = dir.resolve("data");
        try (ServerHarness h = learnt(data, true)) {
            h.command("warmup.retrain");
            Path stuck = Files.createDirectories(data.resolve("predictor.json.corrupt-2026-03-01T09-00-00Z"));
            Files.writeString(stuck.resolve("inside"), "a directory, not a file: not deleted as one");

            var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> h.command("warmup.forgetHistory", CONFIRM));
            String message = e.getCause().getMessage();
            assertTrue(message.startsWith("WMP-2005") && message.contains("the history is forgotten (")
                    && message.endsWith(stuck + " could not be deleted: a directory, not empty"), message);
            assertEquals(0, h.injector.getInstance(UsageStore.class).eventCount(), "the store is emptied all the same");
            assertFalse(Files.exists(data.resolve(PredictionService.FILE)), "and the model file deleted");
            assertFalse(learnt(h), "and what was learnt forgotten: " + h.status().predictorNote());
            assertTrue(Files.exists(stuck), "named, for the user to delete");
        }
    }

    @Test
    void withoutItsConfirmationTheCommandIsRefusedAndNothingGoes() throws Exception {
        try (ServerHarness h = learnt(dir.resolve("data"), true)) {
            long events = h.injector.getInstance(UsageStore.class).eventCount();
            for (Object[] args : new Object[][] {{}, {java.util.Map.of("confirm", false)}, {"yes"}, {CONFIRM, CONFIRM}}) {
                var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> h.command("warmup.forgetHistory", args));
                String message = e.getCause().getMessage();
                assertTrue(message.startsWith("WMP-8003") && message.contains("{\"confirm\": true}"), message);
            }
            assertTrue(h.injector.getInstance(UsageStore.class).eventCount() >= events, "nothing deleted");
            assertTrue(learnt(h), "nothing forgotten");
        }
    }

    @Test
    void anotherServerUsingTheStoreForgetsWhatItLearntAtItsNextEventOrSave() throws Exception {
        Path data = dir.resolve("data");
        try (ServerHarness first = learnt(data, true); ServerHarness second = learnt(data, false)) {
            first.command("warmup.forgetHistory", CONFIRM);
            assertTrue(learnt(second), "not yet told");
            second.clock.advance(Duration.ofMillis(ForgottenHistory.CHECK_MILLIS));
            second.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 80L, false));
            second.flush();
            second.injector.getInstance(PredictionService.class).settled().get(30, TimeUnit.SECONDS);
            assertFalse(learnt(second), second.status().predictorNote());
            assertFalse(Files.exists(data.resolve(PredictionService.FILE)), "nothing trained on it saved again");
        }
    }

    @Test
    void anotherServerWhoseEditorSendsNothingForgetsAtItsSchedulersTick() throws Exception {
        Path data = dir.resolve("data");
        try (ServerHarness first = learnt(data, true); ServerHarness idle = learnt(data, false)) {
            first.command("warmup.forgetHistory", CONFIRM);
            idle.clock.advance(Duration.ofMillis(ForgottenHistory.CHECK_MILLIS));
            idle.injector.getInstance(dev.warmup.server.scheduler.WarmupScheduler.class).tick()
                    .get(30, TimeUnit.SECONDS);
            idle.injector.getInstance(PredictionService.class).settled().get(30, TimeUnit.SECONDS);
            assertFalse(learnt(idle), idle.status().predictorNote());
        }
    }
}
