package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ActivityParams;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.WarmupPrediction;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.LogCapture;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.scheduler.WarmupScheduler;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live engine: learns from history, answers warmup/predict, persists its model, survives a damaged file. */
class PredictionEngineTest {
    static final String MODELS = "{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": "
            + "1500, \"loadSeconds\": 3}, {\"id\": \"chat\", \"tasks\": [\"chat\"], \"memoryMb\": 5500, "
            + "\"loadSeconds\": 10}]}";

    @TempDir Path dir;

    /** Two weeks of a developer who types with completion in bursts and asks chat now and then. */
    static List<UsageEvent> history(long start) {
        Random r = new Random(11);
        List<UsageEvent> events = new ArrayList<>();
        long t = start;
        for (int day = 0; day < 14; day++) {
            t = start + day * 86_400_000L + 9 * 3_600_000L;
            for (int i = 0; i < 400; i++) {
                t += 5_000 + r.nextInt(40_000);
                boolean burst = (i / 40) % 2 == 0;
                events.add(UsageEvent.simple(t, EventKind.CHANGE, null, null));
                if (burst && r.nextInt(3) == 0) {
                    events.add(new UsageEvent(t + 500, EventKind.MODEL_USED, null, "completion", "coder", null, null,
                            0, 0, -1, -1, 80, false));
                }
                if (!burst && r.nextInt(15) == 0) {
                    events.add(new UsageEvent(t + 700, EventKind.MODEL_USED, null, "chat", "chat", null, null, 0, 0,
                            -1, -1, 900, false));
                }
            }
        }
        return events;
    }

    @Test
    void theClientHearsOnTheNextTickThatThePredictorHasLearnt() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            h.injector.getInstance(UsageStore.class).append(history(h.clock.millis() - 20L * 86_400_000L));
            // no background warming: no load or unload may announce the new status instead of the tick
            h.initialize(MODELS.replace("{\"models\"", "{\"backgroundWarmupEnabled\": false, \"models\""));
            h.client.await(h.client.statuses, l -> !l.isEmpty(), Duration.ofSeconds(10));
            h.startPrediction();
            h.flush(); // everything the server had to say so far has reached the client
            List<WarmupStatus> beforeTick = List.copyOf(h.client.statuses);
            assertTrue(beforeTick.stream().noneMatch(PredictionEngineTest::learnt),
                    "nothing announced the trained predictor before the tick: " + beforeTick);
            h.injector.getInstance(dev.warmup.server.scheduler.WarmupScheduler.class).tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> learnt(l.get(l.size() - 1)), Duration.ofSeconds(30));
        }
    }

    private static boolean learnt(WarmupStatus s) {
        return s.predictorNote() != null
                && (s.predictorNote().startsWith("learned from") || s.predictorNote().startsWith("trees trained"));
    }

    @Test
    void learnsFromHistoryPredictsAndPersists() throws Exception {
        Path data = dir.resolve("data");
        try (ServerHarness h = new ServerHarness(data)) {
            startAfterOldHistory(h);
            WarmupStatus status = h.status();
            assertTrue(status.predictorNote().startsWith("learned from") || status.predictorNote().startsWith("trees "
                    + "trained"), "trained from the history: " + status.predictorNote());
            WarmupPrediction p = h.server.getWarmupService().predict(new PredictParams(300, null))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(2, p.predictions().size());
            p.predictions().forEach(m -> {
                assertTrue(m.usageProbability() >= 0 && m.usageProbability() <= 1);
                assertFalse(m.reasoning().isBlank());
            });
            assertNotNull(p.schedule());
            assertTrue(p.performanceImpact().isAcceptable() || !p.schedule().tasks().isEmpty());
            assertTrue(p.performanceImpact().cpuImpactPercent() >= 0);
            JsonObject retrained = retrain(h);
            assertTrue(retrained.get("trainings").getAsLong() >= 1);
            assertTrue(retrained.get("saved").getAsBoolean(), retrained.toString());
            assertFalse(retrained.has("notSaved"), retrained.toString());
            assertTrue(Files.exists(data.resolve(PredictionService.FILE)));
            JsonObject eval = new Gson().toJsonTree(h.command("warmup.evaluate")).getAsJsonObject();
            JsonObject completion = eval.getAsJsonObject("holdout").getAsJsonObject("tasks")
                    .getAsJsonObject("completion");
            assertTrue(completion.get("auc").getAsDouble() > 0.6, completion.toString());
            assertTrue(completion.has("brier") && completion.has("precision") && completion.has("recall"));
        }
    }

    @Test
    void aModelFileThatCannotBeWrittenIsReportedWithWmp2004AndTheTrainedModelServesAllTheSame() throws Exception {
        Path data = dir.resolve("data");
        try (ServerHarness h = new ServerHarness(data); LogCapture logged = new LogCapture(PredictorFile.class)) {
            startAfterOldHistory(h);
            Path file = data.resolve(PredictionService.FILE);
            Files.deleteIfExists(file);
            Files.createDirectories(file.resolve("in-the-way")); // a directory where the file goes: not replaced

            JsonObject retrained = retrain(h);
            assertFalse(retrained.get("saved").getAsBoolean(), retrained.toString());
            String why = retrained.get("notSaved").getAsString();
            assertEquals("WMP-2004 Prediction model could not be saved: " + file + ": Is a directory", why);
            assertTrue(logged.messages.contains(why), "logged too, before the answer: " + logged.messages);
            assertTrue(learnt(h.status()), "still serving");
            assertEquals(2, h.server.getWarmupService().predict(new PredictParams(300, null)).get(10, TimeUnit.SECONDS)
                    .predictions().size());
        }
    }

    @Test
    void aNewInstallForecastsWithTheHeuristicAndSaysSoWithWmp1003() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("fresh"))) {
            h.initialize(MODELS);
            h.startPrediction();
            WarmupStatus status = h.status();
            assertEquals("running", status.state());
            assertEquals("heuristic", status.predictor());
            assertTrue(status.predictorNote().startsWith("WMP-1003"), status.predictorNote());
            WarmupPrediction p = h.server.getWarmupService().predict(new PredictParams(300, null))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(2, p.predictions().size());
            p.predictions().forEach(m -> assertTrue(m.reasoning().contains("WMP-1003")
                    && m.reasoning().contains("WMP-6002"), "no history, no load measured yet: " + m.reasoning()));
            var e = assertThrows(ExecutionException.class, () -> h.command("warmup.retrain"));
            var err = assertInstanceOf(ResponseErrorException.class, e.getCause()).getResponseError();
            assertTrue(err.getMessage().startsWith("WMP-1003"), err.getMessage());
            assertEquals("WMP-1003", new Gson().toJsonTree(err.getData()).getAsJsonObject().get("code").getAsString());
        }
    }

    @Test
    void aNewLearningRateRebuildsThePredictorWithEveryEventIncludingThoseSinceTheStart() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            PredictionService service = startAfterOldHistory(h);
            assertEquals(0.1, service.learningRate());
            assertEquals(0, completion(service), "days since the last event: nothing is forecast");
            useCompletion(h, service);
            assertTrue(completion(service) > 0, "just used");
            changeSetting(h, "\"learningRate\": 0.3");
            service.settled().get(60, TimeUnit.SECONDS);
            assertEquals(0.3, service.learningRate(), "rebuilt with the new rate");
            assertTrue(completion(service) > 0, "the rebuilt predictor saw the use since the start (without it: 0)");
        }
    }

    @Test
    void aForecastIsReusedUntilAnEventAContextBoundaryOrItsTtl() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            PredictionService service = startAfterOldHistory(h);
            useCompletion(h, service);
            List<TaskForecast> first = service.forecast(300);
            h.clock.advance(Duration.ofSeconds(5));
            assertSame(first, service.forecast(300), "nothing happened, no context boundary: reused");
            h.clock.advance(Duration.ofSeconds(6)); // 10 s without an event: a context boundary
            List<TaskForecast> second = service.forecast(300);
            assertNotSame(first, second);
            assertSame(second, service.forecast(300));
            h.server.getWarmupService().activity(new ActivityParams("chatPanelOpened"));
            h.flush();
            service.settled().get(30, TimeUnit.SECONDS);
            List<TaskForecast> third = service.forecast(300);
            assertNotSame(second, third, "an event");
            changeSetting(h, "\"predictionCacheTtlSeconds\": 0");
            assertNotSame(third, service.forecast(300), "a TTL of 0: computed afresh every time");
        }
    }

    /** A server whose stored history (two weeks) ended days ago, its predictor rebuilt from it. */
    private static PredictionService startAfterOldHistory(ServerHarness h) throws Exception {
        h.injector.getInstance(UsageStore.class).append(history(h.clock.millis() - 20L * 86_400_000L));
        h.initialize(MODELS);
        h.startPrediction();
        return h.injector.getInstance(PredictionService.class);
    }

    @Test
    void aHistoryHoldingEventsOfAKindThisServerDoesNotKnowIsLearntFromAllTheSame() throws Exception {
        Path data = dir.resolve("data");
        try (ServerHarness h = new ServerHarness(data)) {
            try (java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:"
                    + data.resolve("usage.db")); java.sql.Statement st = other.createStatement()) {
                st.execute("INSERT INTO events(at, kind) VALUES (" + (h.clock.millis() - 86_400_000L)
                        + ", 'VOICE_COMMAND')"); // as a newer server sharing the file would write
            }
            startAfterOldHistory(h); // before: the rebuild threw, and the status said "starting" from then on
            String note = h.status().predictorNote();
            assertTrue(note.startsWith("learned from") || note.startsWith("trees trained"), note);
        }
    }

    @Test
    void aHistoryThatCannotBeReadAtARebuildIsSaidInTheStatusAndTheEventsSinceTheStartStillCount() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            PredictionService service = startAfterOldHistory(h);
            useCompletion(h, service);
            h.injector.getInstance(UsageStore.class).close(); // as a disk that fails under the server
            rebuild(h, service, 0.3);

            String note = h.status().predictorNote();
            assertTrue(learnt(h.status()), note);
            assertTrue(note.contains(" on the history behind the saved model file; ") || note.contains(
                    " from the history behind the saved model file; "), "its trees, no samples read: " + note);
            assertTrue(note.endsWith(" (WMP-7004 Usage store read failed: reading the history for the predictor: the"
                    + " usage store is closed; learning from this session's events only)"), note);
            Map<String, TaskForecast> f = TaskForecast.byTask(service.forecast(300));
            assertTrue(f.get("completion").probability() > 2 * f.get("chat").probability(), "the use since the start"
                    + " still counts (without it both stand at the same prior): " + f);
        }
    }

    @Test
    void aHistoryUnreadAtARebuildIsReadAgainByRetrainAndByATickTenMinutesOn() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            PredictionService service = startAfterOldHistory(h);
            Path file = h.injector.getInstance(UsageStore.class).file();
            String unread = " (WMP-7004 Usage store read failed: reading the history for the predictor: ";

            try (AutoCloseable aside = historyAside(file)) {
                rebuild(h, service, 0.3);
                assertTrue(h.status().predictorNote().contains(unread), h.status().predictorNote());
                var e = assertThrows(ExecutionException.class, () -> retrain(h));
                assertTrue(e.getCause().getMessage().startsWith("WMP-1003 Insufficient training data: the heuristic"
                        + " predictor serves: no training samples: the history cannot be read now (WMP-7004 Usage store"
                        + " read failed: reading the history for the predictor: "), e.getCause().getMessage());
            }
            JsonObject retrained = retrain(h);
            assertFalse(retrained.has("historyUnread"), retrained.toString());
            assertTrue(retrained.get("samples").getAsInt() > 1000, "the two weeks read again: " + retrained);
            assertFalse(h.status().predictorNote().contains("WMP-7004"), h.status().predictorNote());

            try (AutoCloseable aside = historyAside(file)) {
                rebuild(h, service, 0.2);
            }
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            h.clock.advance(Duration.ofMillis(PredictionService.UNREAD_RETRY_MILLIS - 1000));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            service.settled().get(60, TimeUnit.SECONDS);
            assertTrue(h.status().predictorNote().contains(unread), "not yet: " + h.status().predictorNote());
            h.clock.advance(Duration.ofSeconds(1));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            service.settled().get(60, TimeUnit.SECONDS);
            assertFalse(h.status().predictorNote().contains("WMP-7004"), "read again at the tick ten minutes on: "
                    + h.status().predictorNote());
            assertTrue(learnt(h.status()), h.status().predictorNote());
        }
    }

    @Test
    void withTheStoreFailingRetrainSaysTheHistoryWasNotReadAndEvaluateAndForgetAreRefused() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            PredictionService service = startAfterOldHistory(h);
            useCompletion(h, service);
            h.clock.advance(Duration.ofMinutes(6)); // past the horizon: the next event matures the first use's sample
            useCompletion(h, service);
            h.injector.getInstance(UsageStore.class).close(); // as a disk that fails under the server
            rebuild(h, service, 0.3);

            JsonObject answer = retrain(h); // the history read again first: still not there
            assertTrue(answer.get("historyUnread").getAsString().startsWith("WMP-7004 Usage store read failed: reading"
                    + " the history for the predictor: "), answer.toString());
            int samples = answer.get("samples").getAsInt();
            assertTrue(samples > 0 && samples < 100, "this session's few, not the two weeks: " + answer);
            assertTrue(answer.get("saved").getAsBoolean(), "the model file is not in the store: " + answer);

            var evaluate = assertThrows(ExecutionException.class, () -> h.command("warmup.evaluate"));
            assertTrue(evaluate.getCause().getMessage().startsWith("WMP-7004 Usage store read failed: reading the"
                    + " history: "), evaluate.getCause().getMessage());
            var forget = assertThrows(ExecutionException.class,
                    () -> h.command("warmup.forgetHistory", Map.of("confirm", true)));
            assertTrue(forget.getCause().getMessage().startsWith("WMP-7002 Usage store write failed: forgetting the"
                    + " history: "), "the user hears it was not forgotten: " + forget.getCause().getMessage());
            assertTrue(Files.exists(h.injector.getInstance(UsageStore.class).file()), "nor anything deleted");
            assertTrue(Files.exists(dir.resolve("data").resolve(PredictionService.FILE)), "nor the model file");
            assertTrue(learnt(h.status()), "nor what was learnt: " + h.status().predictorNote());
        }
    }

    /**
     * Renames the store's events table from another connection, as another program's change of the file would leave
     * it, until the returned handle is closed.
     */
    private static AutoCloseable historyAside(Path file) throws Exception {
        java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
        try (java.sql.Statement sql = other.createStatement()) {
            sql.execute("ALTER TABLE events RENAME TO events_aside");
        }
        return () -> {
            try (other; java.sql.Statement sql = other.createStatement()) {
                sql.execute("ALTER TABLE events_aside RENAME TO events");
            }
        };
    }

    /** Rebuilds the predictor with a new {@code learningRate}; returns once it is rebuilt. */
    private static void rebuild(ServerHarness h, PredictionService service, double learningRate) throws Exception {
        JsonObject section = new JsonObject(); // not h.changeSettings: its flush waits for the store
        section.add("warmup", com.google.gson.JsonParser.parseString(
                MODELS.replace("{\"models\"", "{\"learningRate\": " + learningRate + ", \"models\"")));
        h.server.getWorkspaceService().didChangeConfiguration(
                new org.eclipse.lsp4j.DidChangeConfigurationParams(section));
        h.status(); // handled
        service.settled().get(60, TimeUnit.SECONDS);
        assertEquals(learningRate, service.learningRate(), "rebuilt");
    }

    /** {@code warmup.retrain}'s answer, each of whose fields protocol/README.md's commands section names. */
    private static JsonObject retrain(ServerHarness h) throws Exception {
        JsonObject answer = new Gson().toJsonTree(h.command("warmup.retrain")).getAsJsonObject();
        String readme = Files.readString(Path.of("..", "protocol", "README.md"));
        int at = readme.indexOf("`warmup.retrain` (");
        String documented = readme.substring(at, readme.indexOf("`warmup.evaluate`", at));
        for (String field : answer.keySet()) {
            assertTrue(documented.matches("(?s).*[{\\s`]" + field + "[,}`].*"), field + " in protocol/README.md");
        }
        return answer;
    }

    /** The editor reports a completion use now; returns once the predictor has been shown it. */
    private static void useCompletion(ServerHarness h, PredictionService service) throws Exception {
        h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 80L, false));
        h.flush();
        service.settled().get(30, TimeUnit.SECONDS);
    }

    /** The catalogue with one more setting ({@code "key": value}), as a settings change from the editor. */
    private static void changeSetting(ServerHarness h, String keyValue) throws Exception {
        h.changeSettings(MODELS.replace("{\"models\"", "{" + keyValue + ", \"models\""));
    }

    private static double completion(PredictionService service) {
        return service.forecast(300).stream().filter(f -> f.task().equals("completion")).findFirst().orElseThrow()
                .probability();
    }

    @Test
    void modelFileRoundTripsAndADamagedOneIsDiscardedWithWmp2001() throws Exception {
        List<UsageEvent> events = history(0);
        LearnedPredictor p = MLModelTrainer.train(events, List.of("completion", "chat"), ZoneOffset.UTC, 0.1);
        assertTrue(p.learned());
        Path file = dir.resolve("predictor.json");
        Path tmp = dir.resolve("predictor.json.tmp"); // left by a save that crashed, open to others
        Files.writeString(tmp, "{");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        ModelFile.save(file, new ModelFile.Contents(p.tasks(), p.lastTrainedAt(), p.models()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("{", Files.readString(tmp), "never written into: each save writes a new file of its own");
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp") && !f.equals(tmp)),
                    "and leaves none behind");
        }
        ModelFile.Contents back = ModelFile.load(file).orElseThrow();
        float[] x = new float[Features.size(2)];
        java.util.Arrays.fill(x, 1f);
        assertEquals(p.models()[0].margin(x), back.models()[0].margin(x), 1e-12);
        String good = Files.readString(file);
        Files.writeString(file, good.replace("\"trainedAt\":", "\"trainedAt\":1")); // checksum no longer matches
        WarmupException e = assertThrows(WarmupException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().contains("WMP-2001") && e.getMessage().contains("checksum"), e.getMessage());
        Files.writeString(file, good.substring(0, good.length() / 2)); // truncated
        e = assertThrows(WarmupException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().contains("WMP-2001"));
        Path otherVersion = dir.resolve("other-version.json"); // a newer server's, sound: not read, and no damage
        ModelFile.save(otherVersion, new ModelFile.Contents(p.tasks(), p.lastTrainedAt(), p.models()));
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(Files.readString(otherVersion))
                .getAsJsonObject();
        o.remove("sha256");
        o.addProperty("version", ModelFile.VERSION + 1);
        o.addProperty("sha256", java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        Files.writeString(otherVersion, o.toString());
        assertEquals(Optional.empty(), ModelFile.load(otherVersion));
        // the server discards it, says so, and retrains from the history
        Path data = dir.resolve("data2");
        Files.createDirectories(data);
        Files.copy(file, data.resolve(PredictionService.FILE));
        try (ServerHarness h = new ServerHarness(data)) {
            List<String> warnings = new ArrayList<>();
            h.injector.getInstance(UsageStore.class).append(events);
            h.injector.getInstance(PredictionService.class).onWarning(warnings::add);
            h.initialize(MODELS);
            h.startPrediction();
            assertEquals(1, warnings.size());
            assertTrue(warnings.get(0).contains("WMP-2001"), warnings.get(0));
            String note = h.status().predictorNote();
            assertTrue(note.startsWith("learned from") || note.startsWith("trees trained"), "retrained: " + note);
        }
    }

    @Test
    void aDamagedModelFileIsWarnedOfOnceAndReadAgainOnceReplaced() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve(PredictionService.FILE), "{\"format\": \"cut short"); // no history to retrain on
        try (ServerHarness h = new ServerHarness(data)) {
            List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
            PredictionService service = h.injector.getInstance(PredictionService.class);
            service.onWarning(warnings::add);
            h.initialize(MODELS);
            h.startPrediction();
            assertEquals(1, warnings.size(), String.valueOf(warnings));
            assertEquals("WMP-2001 Prediction model could not be loaded; it was discarded: "
                    + data.resolve(PredictionService.FILE) + ": Unterminated string at line 1 column 22 path $.format;"
                    + " it will be retrained from the history", warnings.get(0), "one line, not Gson's advice");
            changeSetting(h, "\"learningRate\": 0.3");
            service.settled().get(30, TimeUnit.SECONDS);
            assertEquals(0.3, service.learningRate(), "rebuilt");
            assertEquals(1, warnings.size(), "the same damaged file, not read again: " + warnings);
            assertTrue(service.note().startsWith("WMP-1003"), service.note());

            // another window's server, sharing the data directory, saves a sound model over it: read at the next build
            LearnedPredictor other = MLModelTrainer.train(history(0), List.of("completion", "chat"), ZoneOffset.UTC,
                    0.1);
            Path file = data.resolve(PredictionService.FILE);
            ModelFile.save(file, new ModelFile.Contents(other.tasks(), other.lastTrainedAt(), other.models()));
            changeSetting(h, "\"learningRate\": 0.2");
            service.settled().get(30, TimeUnit.SECONDS);
            assertTrue(service.note().contains("the history behind the saved model file"), service.note());
            assertEquals(1, warnings.size(), String.valueOf(warnings));

            Files.writeString(file, "{\"format\": \"cut again"); // damaged anew: warned of anew, once
            changeSetting(h, "\"learningRate\": 0.25");
            service.settled().get(30, TimeUnit.SECONDS);
            changeSetting(h, "\"learningRate\": 0.35");
            service.settled().get(30, TimeUnit.SECONDS);
            assertEquals(2, warnings.size(), String.valueOf(warnings));
            assertTrue(warnings.get(1).contains("Unterminated string"), warnings.get(1));
        }
    }

    @Test
    void samplesOnlyLearnOnceTheirHorizonHasPassed() {
        Samples s = new Samples(1, 1, 300_000, 10);
        s.take(new Samples.Pending(0, 1, new float[] {1}, 0, 1));
        s.request(0, 299_000, 2);
        List<Boolean> matured = new ArrayList<>();
        s.mature(300_000, q -> matured.add(q.label[0])); // exactly at the horizon: not yet
        assertEquals(List.of(), matured);
        s.mature(300_001, q -> matured.add(q.label[0]));
        assertEquals(List.of(true), matured);
    }
}
