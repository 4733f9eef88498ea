package dev.warmup.intellij.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallPartsTest {
    @Test
    void serverCommandLineUsesTheIdesJavaAndTheShippedJar(@TempDir Path tmp) throws Exception {
        List<String> cmd = ServerCommandLine.build(Path.of("/ide/jbr"), 17, Path.of("/plugins/warmup"),
                Path.of("/logs"), Path.of("/system/warmup"), false, null);
        assertEquals("/ide/jbr/bin/java", cmd.get(0));
        assertTrue(cmd.contains("-XX:+ExitOnOutOfMemoryError") && cmd.contains("-XX:+DisplayVMOutputToStderr"));
        assertTrue(cmd.contains("-XX:-UsePerfData"), "idle, the JVM's statistics sampling was half its CPU time");
        assertEquals("/plugins/warmup/lib/server/warmup-server.jar", cmd.get(cmd.indexOf("-jar") + 1));
        assertEquals("/logs/warmup-server.log", cmd.get(cmd.size() - 1));
        // the JVM's log lines never reach stdout, which carries the protocol
        assertEquals(List.of("-Xlog:disable", "-Xlog:all=warning,cds*=off:stderr"),
                cmd.stream().filter(a -> a.startsWith("-Xlog")).toList());
        assertTrue(cmd.stream().noneMatch(a -> a.contains("SharedArchive")), "Java 17 has no AutoCreateSharedArchive");
        Path system = tmp.resolve("system").resolve("warmup"); // not there yet: the JVM would not make it
        List<String> cds = ServerCommandLine.build(Path.of("/ide/jbr"), 21, Path.of("/plugins/warmup"),
                Path.of("/logs"), system, false, null);
        int at = cds.indexOf("-XX:+AutoCreateSharedArchive");
        assertTrue(at > 0 && at < cds.indexOf("-jar"), cds.toString());
        assertEquals("-XX:SharedArchiveFile=" + system.resolve("warmup-server.jsa"), cds.get(at + 1));
        assertTrue(Files.isDirectory(system));
        Path blocked = Files.writeString(tmp.resolve("a-file"), "x").resolve("warmup"); // cannot be made
        assertTrue(ServerCommandLine.build(Path.of("/ide/jbr"), 21, Path.of("/plugins/warmup"), Path.of("/logs"),
                blocked, false, null).stream().noneMatch(a -> a.contains("SharedArchive")), "no archive, still a start");
        // the IDE's Debug Log Settings for #dev.warmup.server: passed on after the log file; nothing by default
        List<String> debug = ServerCommandLine.build(Path.of("/ide/jbr"), 17, Path.of("/plugins/warmup"),
                Path.of("/logs"), system, false, ServerCommandLine.logLevel(true, false));
        assertEquals(List.of("/logs/warmup-server.log", "--log-level", "debug"), debug.subList(debug.size() - 3,
                debug.size()));
        assertEquals("trace", ServerCommandLine.logLevel(true, true));
        assertEquals(null, ServerCommandLine.logLevel(false, false));
    }

    @Test
    void statusTextCountsWarmLoadingAndPredicted() {
        JsonObject s = JsonParser.parseString("{\"state\": \"running\", \"predictor\": \"xgboost\", \"models\": ["
                + "{\"id\": \"coder\", \"state\": \"warm\", \"memoryMb\": 1500, \"probability\": 0.9},"
                + "{\"id\": \"chat\", \"state\": \"loading\", \"memoryMb\": 5500},"
                + "{\"id\": \"big\", \"state\": \"unloaded\", \"probability\": 0.7}]}").getAsJsonObject();
        StatusText t = StatusText.of(s);
        assertEquals("Warmup: 1 warm, 1 loading, 1 predicted", t.text());
        assertTrue(t.tooltip().startsWith("coder: warm, p=0.90, 1500 MB"), t.tooltip());
        assertTrue(t.tooltip().endsWith("Predictor: xgboost"));
        assertEquals("Warmup: starting", StatusText.of(null).text());
        StatusText shared = StatusText.of(JsonParser.parseString("{\"models\": ["
                + "{\"id\": \"coder\", \"state\": \"warm\", \"memoryMb\": 1500, \"heldBy\": \"anotherServer\"},"
                + "{\"id\": \"big\", \"state\": \"warm\", \"memoryMb\": 9000, \"heldBy\": \"otherProgram\"},"
                + "{\"id\": \"chat\", \"state\": \"warm\", \"memoryMb\": 900, \"heldBy\": null}]}").getAsJsonObject());
        assertTrue(shared.tooltip().contains("coder: warm, 1500 MB (held by another editor's server)\n"),
                shared.tooltip());
        assertTrue(shared.tooltip().contains("big: warm, 9000 MB (loaded by another program)\n"), shared.tooltip());
        assertTrue(shared.tooltip().endsWith("chat: warm, 900 MB"), shared.tooltip());
        StatusText failed = StatusText.of(JsonParser.parseString("{\"models\": [{\"id\": \"coder\", \"state\": "
                + "\"failed\", \"memoryMb\": 1500, \"error\": \"WMP-8004 connection refused\", "
                + "\"retryAt\": \"2026-03-02T09:10:00Z\"}]}").getAsJsonObject());
        assertEquals("coder: failed, 1500 MB — WMP-8004 connection refused (next try "
                + StatusText.localTime("2026-03-02T09:10:00Z") + ")", failed.tooltip());
        StatusText heldOff = StatusText.of(JsonParser.parseString("{\"models\": [{\"id\": \"coder\", \"state\": "
                + "\"unloaded\", \"memoryMb\": 1500, \"retryAt\": \"2026-03-02T09:10:00Z\"}]}").getAsJsonObject());
        assertEquals("coder: unloaded, 1500 MB (unloaded by its model server; not warmed before "
                + StatusText.localTime("2026-03-02T09:10:00Z") + ")", heldOff.tooltip());
        StatusText ours = StatusText.of(JsonParser.parseString("{\"models\": [{\"id\": \"coder\", \"state\": "
                + "\"unloaded\", \"memoryMb\": 1500, \"unloadReason\": \"not expected soon enough to keep (p=0.01"
                + " within 300 s)\"}]}").getAsJsonObject());
        assertEquals("coder: unloaded, 1500 MB (unloaded: not expected soon enough to keep (p=0.01 within 300 s))",
                ours.tooltip());
        StatusText silent = StatusText.of(JsonParser.parseString("{\"models\": [{\"id\": \"coder\", \"state\": "
                + "\"warm\", \"memoryMb\": 1500, \"unconfirmedSince\": \"2026-03-02T09:10:00Z\"}, {\"id\": \"big\", "
                + "\"state\": \"unloaded\", \"unconfirmedSince\": null}]}").getAsJsonObject());
        assertEquals("coder: warm, 1500 MB (as last seen: its model server has not answered since "
                + StatusText.localTime("2026-03-02T09:10:00Z") + ")\nbig: unloaded", silent.tooltip());
        StatusText held = StatusText.of(JsonParser.parseString("{\"predictor\": \"heuristic\", \"models\": [{\"id\":"
                + " \"coder\", \"state\": \"unloaded\"}], \"heldBack\": [\"WMP-4004 Warm-ups wait: the CPU is busier"
                + " than maxCpuPercent\"]}").getAsJsonObject());
        assertEquals("coder: unloaded\nHeld back: WMP-4004 Warm-ups wait: the CPU is busier than maxCpuPercent\n"
                + "Predictor: heuristic", held.tooltip());
        assertFalse(t.tooltip().contains("Held back"), t.tooltip());
    }

    @Test
    void clientBackendAnswersLoadsWithModelState() {
        List<JsonObject> sent = new ArrayList<>();
        long[] now = {1000};
        int[] ready = {0};
        ClientBackendHandler h = new ClientBackendHandler(sent::add, () -> ready[0]++, () -> now[0] += 250,
                new LoadedModels());
        JsonObject load = JsonParser.parseString("{\"model\": \"m\"}").getAsJsonObject();
        h.onLoad(load).join();
        assertEquals("failed", sent.get(0).get("state").getAsString());
        assertEquals(0, ready[0]);
        List<String> unloads = new ArrayList<>();
        h.register(new ClientBackendHandler.Loader() {
            public CompletableFuture<Long> load(String model) { return CompletableFuture.completedFuture(900L); }
            public CompletableFuture<Void> unload(String model) { throw new AssertionError("told no reason"); }
            public CompletableFuture<Void> unload(String model, String reason) {
                unloads.add(model + ": " + reason);
                return CompletableFuture.completedFuture(null);
            }
        });
        assertEquals(1, ready[0], "the server hears that loads can go now");
        h.onLoad(load).join();
        assertEquals("loading", sent.get(1).get("state").getAsString());
        assertEquals("{\"model\":\"m\",\"state\":\"ready\",\"loadMs\":250,\"memoryMb\":900}", sent.get(2).toString());
        h.onUnload(JsonParser.parseString("{\"model\": \"m\", \"reason\": \"not expected soon enough to keep"
                + " (p=0.01 within 300 s)\"}").getAsJsonObject()).join();
        assertEquals("unloaded", sent.get(3).get("state").getAsString());
        assertEquals(List.of("m: not expected soon enough to keep (p=0.01 within 300 s)"), unloads, "told why");
        h.register(null); // the loader's plugin unloaded: loads fail again, and nothing is announced
        assertEquals(1, ready[0]);
        h.onLoad(load).join();
        assertEquals("failed", sent.get(4).get("state").getAsString());

        h.register(new ClientBackendHandler.Loader() { // one that throws rather than failing its future
            public CompletableFuture<Long> load(String model) { throw new IllegalStateException("no GPU"); }
            public CompletableFuture<Void> unload(String model) { throw new IllegalStateException("busy"); }
        });
        h.onLoad(load).join();
        assertEquals("{\"model\":\"m\",\"state\":\"failed\",\"error\":\"no GPU\"}", sent.get(6).toString());
        h.onUnload(load).join();
        assertEquals("{\"model\":\"m\",\"state\":\"ready\"}", sent.get(7).toString(),
                "a failed unload leaves it loaded: the server hears so and decides again");
    }

    @Test
    void aServerStartedAgainHearsWhatTheLoaderHoldsForTheProject() {
        LoadedModels held = new LoadedModels();
        List<JsonObject> first = new ArrayList<>();
        ClientBackendHandler before = new ClientBackendHandler(first::add, () -> { }, () -> 0, held);
        ClientBackendHandler.Loader loader = new ClientBackendHandler.Loader() {
            public CompletableFuture<Long> load(String model) {
                return CompletableFuture.completedFuture(model.equals("coder") ? 1500L : -1L);
            }

            public CompletableFuture<Void> unload(String model) {
                return model.equals("stuck") ? CompletableFuture.failedFuture(new IllegalStateException("busy"))
                        : CompletableFuture.completedFuture(null);
            }
        };
        before.register(loader);
        assertEquals(List.of(), first, "nothing held yet");
        for (String m : List.of("coder", "chat", "stuck", "gone")) {
            before.onLoad(JsonParser.parseString("{\"model\": \"" + m + "\"}").getAsJsonObject()).join();
        }
        for (String m : List.of("gone", "stuck")) {
            before.onUnload(JsonParser.parseString("{\"model\": \"" + m + "\"}").getAsJsonObject()).join();
        }

        List<String> second = new ArrayList<>();
        int[] ready = {0};
        ClientBackendHandler after = new ClientBackendHandler(o -> second.add(o + (ready[0] > 0 ? " after" : "")),
                () -> ready[0]++, () -> 0, held); // the restarted server's
        after.register(loader);
        assertEquals(List.of("{\"model\":\"coder\",\"state\":\"ready\",\"memoryMb\":1500}",
                "{\"model\":\"chat\",\"state\":\"ready\"}", "{\"model\":\"stuck\",\"state\":\"ready\"}"), second,
                "what it holds, before loaderReady; not what it unloaded");
        assertEquals(1, ready[0]);

        CompletableFuture<Long> late = new CompletableFuture<>();
        ClientBackendHandler.Loader slow = new ClientBackendHandler.Loader() {
            public CompletableFuture<Long> load(String model) { return late; }
            public CompletableFuture<Void> unload(String model) { return CompletableFuture.completedFuture(null); }
        };
        after.register(slow);
        CompletableFuture<Void> loading = after.onLoad(JsonParser.parseString("{\"model\": \"late\"}").getAsJsonObject());
        ClientBackendHandler.Loader other = new ClientBackendHandler.Loader() { // another plugin's loader
            public CompletableFuture<Long> load(String model) { return CompletableFuture.completedFuture(1L); }
            public CompletableFuture<Void> unload(String model) { return CompletableFuture.completedFuture(null); }
        };
        after.register(other);
        after.onLoad(JsonParser.parseString("{\"model\": \"mine\"}").getAsJsonObject()).join();
        late.complete(700L); // the replaced loader's load ends: its model is its own
        loading.join();
        second.clear();
        after.register(other);
        assertEquals(List.of("{\"model\":\"mine\",\"state\":\"ready\",\"memoryMb\":1} after"), second,
                "only what the loader registered holds; the first's forgotten once another took over");
        second.clear();
        after.register(loader);
        assertEquals(List.of(), second, "and not held again by the first");
    }

    @Test
    void activityIsSentAsKindsTheFocusOnChangeAndEachReadingKindAtMostOncePerInterval() {
        List<String> sent = new ArrayList<>();
        long[] now = {1_000_000};
        ActivityReporter activity = new ActivityReporter(sent::add, () -> now[0]);
        activity.focus(true);
        activity.focus(true); // the platform says it again: not sent
        activity.focus(false);
        activity.caretMoved();
        activity.scrolled(); // a kind of its own: its interval is not the caret's
        for (int i = 0; i < 50; i++) { // holding an arrow key, the view following
            now[0] += 20;
            activity.caretMoved();
            activity.scrolled();
        }
        now[0] = 1_000_000 + ActivityReporter.READING_INTERVAL_MILLIS;
        activity.caretMoved();
        activity.editorChanged();
        activity.buildStarted();
        activity.testStarted();
        activity.taskStarted();
        activity.debug(true);
        activity.debug(false);
        activity.scrolled();
        assertEquals(List.of("windowFocused", "windowBlurred", "caretMoved", "scrolled", "caretMoved", "editorChanged",
                "buildStarted", "testStarted", "taskStarted", "debugStarted", "debugStopped", "scrolled"), sent);
        assertEquals(Set.copyOf(ActivityReporter.KINDS), Set.copyOf(sent));
    }

    @Test
    void aClockThatGoesBackDoesNotSilenceReadingEvents() {
        List<String> sent = new ArrayList<>();
        long[] now = {10_000_000};
        ActivityReporter activity = new ActivityReporter(sent::add, () -> now[0]);
        activity.caretMoved();
        now[0] -= 3_600_000; // a clock set back an hour (the plugin's own, the monotonic clock, never goes back)
        activity.caretMoved();
        now[0] += 1000;
        activity.caretMoved(); // throttled again from the new reading
        now[0] += ActivityReporter.READING_INTERVAL_MILLIS;
        activity.caretMoved();
        assertEquals(List.of("caretMoved", "caretMoved", "caretMoved"), sent);
    }

    @Test
    void aCommandsResultIsShownAsJsonAfterItsSummary() {
        JsonObject compare = JsonParser.parseString("{\"summary\": \"Over 2.0 active hours <and> 9 requests\","
                + " \"policies\": {}}").getAsJsonObject();
        CommandResultText shown = CommandResultText.of("warmup.compare", compare);
        assertEquals("warmup.compare.txt", shown.fileName());
        assertEquals("Over 2.0 active hours <and> 9 requests\n\n{\n  \"summary\": \"Over 2.0 active hours <and> 9"
                + " requests\",\n  \"policies\": {}\n}\n", shown.text());
        CommandResultText status = CommandResultText.of("warmup.status", java.util.Map.of("paused", false));
        assertEquals(new CommandResultText("warmup.status.json", "{\n  \"paused\": false\n}\n"), status);
    }

    @Test
    void retrainAndForgetAnswersAreReadInWordsBeforeTheirJson() {
        JsonObject saved = JsonParser.parseString("{\"predictor\": \"xgboost\", \"samples\": 812, \"learnedTasks\":"
                + " [\"completion\", \"chat\"], \"file\": \"/d/predictor.json\", \"saved\": true}").getAsJsonObject();
        CommandResultText shown = CommandResultText.of("warmup.retrain", saved);
        assertEquals("warmup.retrain.txt", shown.fileName());
        assertEquals("Warmup retrained on 812 samples: trees for completion, chat. Saved to /d/predictor.json.",
                shown.text().lines().findFirst().orElseThrow());
        assertTrue(shown.text().contains("\n\n{\n  \"predictor\": \"xgboost\""), shown.text());

        JsonObject notSaved = JsonParser.parseString("{\"samples\": 1, \"learnedTasks\": [], \"file\": \"/d/p\","
                + " \"saved\": false, \"notSaved\": \"WMP-2004 Prediction model could not be saved: /d/p: a"
                + " directory, not empty\"}").getAsJsonObject();
        assertEquals("Warmup retrained on 1 sample: no task has enough history for trees yet. The model was not saved:"
                + " WMP-2004 Prediction model could not be saved: /d/p: a directory, not empty",
                CommandResultText.of("warmup.retrain", notSaved).text().lines().findFirst().orElseThrow());
        notSaved.addProperty("historyUnread", "WMP-7004 Usage store read failed: disk I/O error");
        assertTrue(CommandResultText.of("warmup.retrain", notSaved).text().lines().findFirst().orElseThrow().endsWith(
                "a directory, not empty Trained on this session's events only: WMP-7004 Usage store read failed: disk"
                        + " I/O error"));

        JsonObject forgot = JsonParser.parseString("{\"events\": 1, \"dailyCounts\": 3, \"metricsSnapshots\": 0,"
                + " \"compacted\": false, \"filesDeleted\": 1, \"notCompacted\": \"database is locked\"}")
                .getAsJsonObject();
        assertEquals("Warmup forgot 1 recorded event and 3 daily counts, and what it learnt from them; it learns again"
                + " from now on. (The file could not be compacted now: database is locked.)",
                CommandResultText.of("warmup.forgetHistory", forgot).text().lines().findFirst().orElseThrow());
        assertEquals("warmup.evaluate.json", CommandResultText.of("warmup.evaluate", saved).fileName(),
                "other commands: the JSON alone");
    }

    @Test
    void usageStatsAreShownAfterAChartOfTheLastThirtyDays() {
        JsonObject usage = JsonParser.parseString("{\"key\": \"*\", \"count\": 9, \"daily\": ["
                + "{\"day\": \"2026-01-30\", \"uses\": 7}, {\"day\": \"2026-02-28\", \"uses\": 2},"
                + " {\"day\": \"2026-03-02\", \"uses\": 4}]}").getAsJsonObject();
        CommandResultText shown = CommandResultText.of("warmup.usageStats", usage, java.time.LocalDate.of(2026, 3, 2));
        assertEquals("warmup.usageStats.txt", shown.fileName());
        List<String> lines = shown.text().lines().toList();
        assertEquals("Model uses by day, last 30 days: 6", lines.get(0), "January's 7 left out");
        assertEquals("2026-02-01  0", lines.get(1));
        assertEquals("2026-02-28 " + "#".repeat(20) + " 2", lines.get(28));
        assertEquals("2026-03-01  0", lines.get(29));
        assertEquals("2026-03-02 " + "#".repeat(40) + " 4", lines.get(30), "the busiest day the longest bar");
        assertEquals(List.of("", "{"), lines.subList(31, 33), "then the answer itself");
    }

    @Test
    void usageStatsNotCompleteSayWhyFirst() {
        JsonObject usage = JsonParser.parseString("{\"count\": 2, \"daily\": [], \"complete\": false,"
                + " \"note\": \"the latest events were still waiting\"}").getAsJsonObject();
        List<String> lines = CommandResultText.of("warmup.usageStats", usage, java.time.LocalDate.of(2026, 3, 2))
                .text().lines().toList();
        assertEquals("Not complete: the latest events were still waiting", lines.get(0));
        assertEquals("Model uses by day, last 30 days: 0", lines.get(1));
    }
}
