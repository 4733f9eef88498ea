package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.protocol.ActivityParams;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.protocol.RegisterModelsParams;
import dev.warmup.protocol.DailyUses;
import dev.warmup.protocol.UsageStats;
import dev.warmup.protocol.UsageStatsParams;
import dev.warmup.protocol.WarmupStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LspProtocolTest {
    private static final String URI = "file:///work/project/src/Secret.java";
    @TempDir Path dir;
    ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    /** The JSON-RPC error {@code request} was answered with. */
    private static org.eclipse.lsp4j.jsonrpc.messages.ResponseError errorOf(
            java.util.concurrent.CompletableFuture<?> request) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> request.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(ResponseErrorException.class, e.getCause()).getResponseError();
    }

    private JsonObject json(Object o) {
        return new Gson().toJsonTree(o).getAsJsonObject();
    }

    @Test
    void advertisesSidecarCapabilities() throws Exception {
        var caps = h.initialize(null).getCapabilities();
        assertEquals(org.eclipse.lsp4j.TextDocumentSyncKind.Incremental, caps.getTextDocumentSync().getRight().getChange());
        assertFalse(caps.getCompletionProvider().getResolveProvider());
        assertTrue(caps.getExecuteCommandProvider().getCommands().contains("warmup.metrics"));
    }

    @Test
    void completionAndCodeActionsAnswerEmptyAndAreRecordedAsMetadata() throws Exception {
        h.initialize(null);
        var docs = h.server.getTextDocumentService();
        docs.didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(URI, "java", 1, "class A {\n}\n")));
        var change = new TextDocumentContentChangeEvent(new Range(new Position(1, 0), new Position(1, 0)), "int x;\n");
        docs.didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(URI, 2), List.of(change)));
        var completion = docs.completion(new CompletionParams(new TextDocumentIdentifier(URI), new Position(1, 3)))
                .get(10, TimeUnit.SECONDS);
        assertTrue(completion.getRight().getItems().isEmpty());
        assertFalse(completion.getRight().isIncomplete());
        var ctx = new CodeActionContext(List.of());
        ctx.setOnly(List.of("refactor.extract", "quickfix"));
        var actions = docs.codeAction(new CodeActionParams(new TextDocumentIdentifier(URI),
                new Range(new Position(0, 0), new Position(0, 1)), ctx)).get(10, TimeUnit.SECONDS);
        assertTrue(actions.isEmpty());
        h.flush();

        JsonObject m = json(h.command("warmup.metrics"));
        JsonObject recorded = m.getAsJsonObject("eventsRecorded");
        assertEquals(1, recorded.get("open").getAsLong());
        assertEquals(1, recorded.get("change").getAsLong());
        assertEquals(1, recorded.get("completion").getAsLong());
        assertEquals(1, recorded.get("code_action").getAsLong());
        assertEquals(4, m.get("eventsStored").getAsLong());
        assertTrue(m.getAsJsonObject("requestLatency").get("count").getAsLong() >= 4);

        var events = h.injector.getInstance(dev.warmup.server.store.UsageStore.class).allEvents();
        var changeEvent = events.get(1);
        assertEquals(7, changeEvent.inserted());
        assertEquals(4, changeEvent.docLines(), "3 lines (LSP counts the empty last line) plus the inserted one");
        assertEquals("quickfix,refactor.extract", events.get(3).detail());
        for (var e : events) {
            assertFalse(String.valueOf(e).contains("Secret"), "no plain URI or text is stored: " + e);
            assertFalse(String.valueOf(e).contains("int x"), "no document text is stored: " + e);
        }
        // a client's strings stored with each event are names, not payloads, whatever it sends
        String huge = "z".repeat(50_000);
        docs.didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(URI + "2", huge, 1, "")));
        var odd = new CompletionParams(new TextDocumentIdentifier(URI), new Position(0, 0));
        odd.setContext(new org.eclipse.lsp4j.CompletionContext(org.eclipse.lsp4j.CompletionTriggerKind.TriggerCharacter,
                huge));
        docs.completion(odd).get(10, TimeUnit.SECONDS);
        h.flush();
        var stored = h.injector.getInstance(dev.warmup.server.store.UsageStore.class).allEvents();
        assertEquals(200, stored.get(stored.size() - 2).languageId().length());
        assertTrue(stored.get(stored.size() - 1).detail().length() <= 200, stored.get(stored.size() - 1).detail());
    }

    @Test
    void unknownCommandNamesItWithItsCode() throws Exception {
        h.initialize(null);
        var e = assertThrows(ExecutionException.class, () -> h.command("warmup.nope"));
        var err = assertInstanceOf(ResponseErrorException.class, e.getCause()).getResponseError();
        assertTrue(err.getMessage().contains("WMP-8002") && err.getMessage().contains("warmup.nope"));
        assertEquals("WMP-8002", json(err.getData()).get("code").getAsString());
        // a name, not a payload: an unknown command is neither recorded nor echoed whole
        e = assertThrows(ExecutionException.class, () -> h.command("warmup." + "x".repeat(100_000)));
        err = assertInstanceOf(ResponseErrorException.class, e.getCause()).getResponseError();
        String message = err.getMessage();
        assertTrue(message.length() < 600, message.substring(0, Math.min(600, message.length())));
        JsonObject recorded = json(h.command("warmup.metrics")).getAsJsonObject("eventsRecorded");
        assertEquals(1, recorded.get("command").getAsLong(), "warmup.metrics only: " + recorded);
    }

    @Test
    void modelUsedIsRecordedAndCountedInUsageStats() throws Exception {
        h.initialize("{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500}]}");
        var warmup = h.server.getWarmupService();
        warmup.modelUsed(new ModelUsedParams("coder", "completion", "2026-03-02T09:00:00Z", 120L, true));
        h.clock.advance(Duration.ofMinutes(2));
        warmup.modelUsed(new ModelUsedParams("coder", null, "2026-03-02T09:03:00Z", 20L, false));
        warmup.activity(new ActivityParams("chatPanelOpened"));
        h.flush();
        UsageStats stats = warmup.usageStats(new UsageStatsParams("coder", null)).get(10, TimeUnit.SECONDS);
        assertEquals(2, stats.count());
        assertEquals("2026-03-02T09:03:00Z", stats.lastUsed());
        assertEquals(2, stats.hourHistogram()[9]);
        assertEquals(2, stats.dayHistogram()[0], "2026-03-02 is a Monday");
        assertEquals(0.5, stats.successRate());
        assertEquals(3600, stats.windowSeconds());
        assertEquals(2, stats.recentUses(), "both within the hour");
        assertEquals(3.0, stats.meanSessionMinutes(), "one session, from the first use to the last event, 09:03");
        assertEquals(null, stats.ranking(), "a ranking of tasks only for all uses");
        assertEquals(List.of(new DailyUses("2026-03-02", 2)), stats.daily());
        h.changeSettings("{\"usageWindowSeconds\": 60, \"models\": [{\"id\": \"coder\", \"tasks\": "
                + "[\"completion\"], \"memoryMb\": 1500}]}");
        warmup.modelUsed(new ModelUsedParams("coder", "chat", "2026-03-02T09:02:00Z", 20L, false)); // now
        h.flush();
        UsageStats all = warmup.usageStats(new UsageStatsParams(null, null)).get(10, TimeUnit.SECONDS);
        assertEquals(60, all.windowSeconds());
        assertEquals(2, all.recentUses(), "the use at 09:02 and the one at 09:03 (reported ahead); not 09:00");
        assertEquals(List.of("chat", "completion"), all.ranking(), "within a minute, the latest use ranks first");
        JsonObject m = json(h.command("warmup.metrics"));
        assertEquals(1, m.getAsJsonObject("eventsRecorded").get("activity").getAsLong());
        WarmupStatus status = warmup.status().get(10, TimeUnit.SECONDS);
        assertEquals("warm", status.models().get(0).state());
    }

    @Test
    void aUseDatedFarAheadOfOurClockIsRecordedAsOfItsArrivalAndNamedOnce() throws Exception {
        h.initialize("{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500}]}");
        var warmup = h.server.getWarmupService();
        warmup.modelUsed(new ModelUsedParams("coder", "completion", "2026-03-03T09:00:00Z", null, null)); // a day on
        warmup.modelUsed(new ModelUsedParams("coder", "completion", "2026-03-03T09:00:05Z", null, null));
        warmup.modelUsed(new ModelUsedParams("coder", "completion", "2026-03-02T09:04:00Z", null, null)); // 4 min on
        warmup.modelUsed(new ModelUsedParams("coder", "completion", "yesterday", null, null)); // the last report
        var logged = h.client.await(h.client.logged,
                l -> l.stream().anyMatch(m -> m.getMessage().contains("yesterday")),
                Duration.ofSeconds(10));
        List<String> ahead = logged.stream().map(m -> m.getMessage()).filter(m -> m.contains("ahead")).toList();
        assertEquals(1, ahead.size(), ahead.toString());
        assertTrue(ahead.get(0).startsWith("WMP-1001") && ahead.get(0).contains("2026-03-03T09:00:00Z")
                && ahead.get(0).contains("86400 s ahead"), ahead.get(0));
        h.flush();
        UsageStats stats = warmup.usageStats(new UsageStatsParams("coder", null)).get(10, TimeUnit.SECONDS);
        assertEquals(3, stats.count());
        assertEquals("2026-03-02T09:04:00Z", stats.lastUsed(),
                "the day-ahead uses are recorded at 09:00, this as given");
    }

    @Test
    void invalidNotificationsAreReportedWithTheirCodeAndTheServerKeepsAnswering() throws Exception {
        h.initialize(null);
        h.server.getWarmupService().modelUsed(new ModelUsedParams("", null, null, null, null));
        h.server.getWarmupService().modelUsed(new ModelUsedParams("m", "juggling", null, null, null));
        h.server.getWarmupService().modelUsed(new ModelUsedParams("m", "chat", "yesterday", null, null));
        var logged = h.client.await(h.client.logged,
                l -> l.stream().filter(m -> m.getMessage().contains("WMP-1001")).count() == 3, Duration.ofSeconds(10));
        assertTrue(logged.stream().anyMatch(m -> m.getMessage().contains("juggling")));
        assertTrue(logged.stream().anyMatch(m -> m.getMessage().contains("yesterday")));
        h.raw.notify("warmup/modelState", JsonParser.parseString("{\"model\": \"m\", \"state\": \"exploded\"}"));
        logged = h.client.await(h.client.logged, l -> l.stream().anyMatch(m -> m.getMessage().startsWith("WMP-8003")),
                Duration.ofSeconds(10));
        assertTrue(logged.stream().anyMatch(m -> m.getMessage()
                .contains("a state, one of loading|ready|failed|unloaded")), logged.toString());
        assertNotNull(h.status());
    }

    @Test
    void malformedMessagesGetTheirCodeOnceTheServerGoesOnAndNothingRecordedIsLost() throws Exception {
        h.initialize("{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500}]}");
        var warmup = h.server.getWarmupService();
        warmup.modelUsed(new ModelUsedParams("coder", null, null, 80L, false));
        h.raw.notify("warmup/modelUsed", JsonParser.parseString("{\"model\": \"coder\", \"latencyMs\": 180.5}"));
        warmup.modelUsed(new ModelUsedParams("coder", null, "+999999999-12-31T23:59:59Z", null, null));
        warmup.modelUsed(new ModelUsedParams("coder", null, null, -5L, null));
        warmup.modelUsed(new ModelUsedParams("m".repeat(201), "chat", null, null, null)); // a name, not a payload
        h.raw.notify("textDocument/didOpen", JsonParser.parseString("{\"textDocument\": {\"languageId\": \"java\"}}"));
        warmup.modelUsed(new ModelUsedParams("coder", null, null, 90L, false));
        var error = errorOf(h.raw.request("warmup/predict", JsonParser.parseString("{\"horizonSeconds\": \"soon\"}")));
        assertTrue(error.getMessage().startsWith("WMP-8003 Invalid parameters: warmup/predict: ")
                && error.getMessage().contains("soon"), error.getMessage());
        assertEquals("WMP-8003", ((JsonObject) error.getData()).get("code").getAsString());
        var kindless = errorOf(h.raw.request("textDocument/codeAction", JsonParser.parseString( // found by fuzzing
                "{\"textDocument\": {\"uri\": \"file:///w/a.py\"}, \"range\": {\"start\": {\"line\": 0,"
                        + " \"character\": 0}, \"end\": {\"line\": 0, \"character\": 0}}, \"context\":"
                        + " {\"diagnostics\": [], \"only\": [\"quickfix\", null]}}")));
        assertEquals("WMP-8003 Invalid parameters: textDocument/codeAction needs context.only[1] to be a code action"
                + " kind", kindless.getMessage());
        var logged = h.client.await(h.client.logged, l -> l.stream().filter(m -> m.getMessage().startsWith("WMP-"))
                .count() >= 5, Duration.ofSeconds(10));
        List<String> codes = logged.stream().map(m -> m.getMessage()).filter(m -> m.startsWith("WMP-")).toList();
        assertEquals(5, codes.size(), "each bad message named once: " + codes);
        assertTrue(codes.get(0).startsWith("WMP-8003 Invalid parameters: warmup/modelUsed: ")
                && codes.get(0).contains("180.5"), codes.get(0));
        assertTrue(codes.get(1).startsWith("WMP-1001") && codes.get(1).contains("+999999999")
                && codes.get(1).endsWith("out of range"), codes.get(1));
        assertTrue(codes.get(2).startsWith("WMP-1001") && codes.get(2).contains("latencyMs = -5"), codes.get(2));
        assertTrue(codes.get(3).startsWith("WMP-1001") && codes.get(3).contains("201 characters"), codes.get(3));
        assertEquals("WMP-8003 Invalid parameters: textDocument/didOpen needs textDocument.uri", codes.get(4));
        // the good reports around them are all recorded, and an export straight away has them (no flush here)
        Path out = dir.resolve("export.jsonl");
        h.command("warmup.exportTrace", out.toString());
        assertEquals(2, java.nio.file.Files.readAllLines(out).stream().filter(l -> l.contains("model_used")).count());
        assertEquals("warm", warmup.status().get(10, TimeUnit.SECONDS).models().get(0).state());
    }

    @Test
    void aValueThatIsRefusedIsQuotedOnlyInPart() throws Exception {
        h.initialize(null);
        String text = "x".repeat(100_000) + "END_OF_TEXT"; // a document's text in a field where it does not belong
        JsonObject open = JsonParser.parseString("{\"textDocument\": {\"uri\": \"file:///a.py\", \"languageId\":"
                + " \"python\", \"text\": \"\"}}").getAsJsonObject();
        open.getAsJsonObject("textDocument").addProperty("version", text);
        h.raw.notify("textDocument/didOpen", open);
        JsonObject predict = new JsonObject();
        predict.addProperty("horizonSeconds", text);
        var error = errorOf(h.raw.request("warmup/predict", predict));
        h.server.getWarmupService().modelUsed(new ModelUsedParams("m", "chat", text, null, null));
        JsonObject settings = new JsonObject();
        settings.addProperty("maxMemoryMb", text);
        JsonObject section = new JsonObject();
        section.add("warmup", settings);
        h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(section));
        var logged = h.client.await(h.client.logged, l -> l.stream().filter(m -> m.getMessage().startsWith("WMP-"))
                .count() >= 3, Duration.ofSeconds(10));
        List<String> messages = new ArrayList<>(List.of(error.getMessage()));
        logged.forEach(m -> messages.add(m.getMessage()));
        assertEquals(List.of("WMP-8003", "WMP-8003", "WMP-1001", "WMP-8001"),
                messages.stream().map(m -> m.substring(0, 8)).toList());
        for (String message : messages) {
            assertTrue(message.contains("xxxx") && message.length() < 400 && !message.contains("END_OF_TEXT"),
                    message.substring(0, Math.min(500, message.length())));
        }
    }

    @Test
    void methodsTheServerDoesNotServeGetMethodNotFoundOrAreNamedOnceNeverAsInternalErrors() throws Exception {
        h.initialize(null);
        JsonObject position = JsonParser.parseString("{\"textDocument\": {\"uri\": \"file:///a.java\"},"
                + " \"position\": {\"line\": 0, \"character\": 0}}").getAsJsonObject();
        for (String method : List.of("textDocument/hover", "myext/query")) { // LSP4J's default throws; nobody's
            var error = errorOf(h.raw.request(method, position));
            assertEquals(-32601, error.getCode(), method);
            assertEquals("WMP-8012 Unknown method: " + method + " is not served", error.getMessage());
        }
        var folders = JsonParser.parseString("{\"event\": {\"added\": [], \"removed\": []}}");
        for (int i = 0; i < 2; i++) {
            h.raw.notify("workspace/didChangeWorkspaceFolders", folders);
            h.raw.notify("myext/ping", new JsonObject());
            h.raw.notify("$/myext/progress", new JsonObject()); // $/ may be ignored without a word
        }
        assertNotNull(h.status());
        var logged = h.client.await(h.client.logged, l -> l.stream().filter(m -> m.getMessage().startsWith("WMP-8012"))
                .count() >= 2, Duration.ofSeconds(10));
        h.command("warmup.status"); // one more round trip: a third line would be in by now
        List<String> codes = h.client.logged.stream().map(m -> m.getMessage()).filter(m -> m.startsWith("WMP-"))
                .toList();
        assertEquals(List.of(
                "WMP-8012 Unknown method: workspace/didChangeWorkspaceFolders is not served; the notification is"
                        + " ignored (said once per method)",
                "WMP-8012 Unknown method: myext/ping is not served; the notification is ignored (said once per"
                        + " method)"),
                codes, "logged: " + logged);
        // a client's method names are its own strings: cut in messages, and not kept without end
        String longName = "x/" + "y".repeat(5_000);
        var error = errorOf(h.raw.request(longName, new JsonObject()));
        assertTrue(error.getMessage().startsWith("WMP-8012") && error.getMessage().length() < 400, error.getMessage());
        for (int i = 0; i < 150; i++) {
            h.raw.notify("myext/ping" + i, new JsonObject());
        }
        h.command("warmup.status");
        assertEquals(100, h.client.logged.stream().filter(m -> m.getMessage().startsWith("WMP-8012")).count(),
                "named once each, up to a hundred methods");
    }

    @Test
    void aStoreFoundDamagedAtStartUpIsShownAndItsLogLineHeldUntilTheEditorIsReady() throws Exception {
        Path data = dir.resolve("damaged");
        java.nio.file.Files.createDirectories(data);
        java.nio.file.Files.writeString(data.resolve("usage.db"), "not a database, ".repeat(300));
        try (ServerHarness damaged = new ServerHarness(data)) {
            damaged.initialize(null);
            var logged = damaged.client.await(damaged.client.logged, l -> l.stream()
                    .anyMatch(m -> m.getMessage().startsWith("WMP-7001")), Duration.ofSeconds(10));
            String told = logged.stream().map(m -> m.getMessage()).filter(m -> m.startsWith("WMP-7001")).findFirst()
                    .orElseThrow();
            assertTrue(told.contains("usage.db.corrupt-"), "where the damaged file went: " + told);
            // the popup at initialize (the store's recovery note) was there before; the log line, written before
            // any client was connected, used to be dropped
            assertTrue(damaged.client.shown.stream().anyMatch(m -> m.getMessage().startsWith("WMP-7001")));
            assertEquals("running", damaged.status().state());
        }
    }

    @Test
    void registerModelsValidatesAndReplaces() throws Exception {
        h.initialize(null);
        var warmup = h.server.getWarmupService();
        var ok = warmup.registerModels(new RegisterModelsParams(List.of(
                new ModelSpec("chatty", List.of("chat"), 5500, 10.0, null, null)), false)).get(10, TimeUnit.SECONDS);
        assertEquals(List.of("chatty"), ok.models());
        var e = assertThrows(ExecutionException.class, () -> warmup.registerModels(new RegisterModelsParams(List.of(
                new ModelSpec("bad", List.of("juggling"), 1, 1.0, null, null)), false)).get(10, TimeUnit.SECONDS));
        var err = assertInstanceOf(ResponseErrorException.class, e.getCause()).getResponseError();
        assertTrue(err.getMessage().contains("WMP-8001") && err.getMessage().contains("models[0].tasks"));
        e = assertThrows(ExecutionException.class, () -> warmup.registerModels(new RegisterModelsParams(List.of(
                new ModelSpec("twin", List.of("chat"), 5500, 10.0, null, null),
                new ModelSpec("twin", List.of("completion"), 1500, 3.0, null, null)), false))
                .get(10, TimeUnit.SECONDS));
        err = assertInstanceOf(ResponseErrorException.class, e.getCause()).getResponseError();
        assertTrue(err.getMessage().startsWith("WMP-8001")
                && err.getMessage().contains("warmup.models[1].id = \"twin\""), err.getMessage());
        assertEquals(List.of("chatty"), h.config().getAsJsonArray("models").asList().stream()
                .map(m -> m.getAsJsonObject().get("id").getAsString()).toList(),
                "a refused registration changes nothing");
        var replaced = warmup.registerModels(new RegisterModelsParams(List.of(
                new ModelSpec("coder", List.of("completion"), 1500, 3.0, null, null)), true)).get(10, TimeUnit.SECONDS);
        assertEquals(List.of("coder"), replaced.models());
    }

    @Test
    void aModelRegisteredUnderAnotherOfItsOllamaNamesReplacesTheSettingsEntry() throws Exception {
        h.initialize("{\"backends\": {\"o\": {\"type\": \"ollama\", \"url\": \"http://127.0.0.1:11434\"}},"
                + " \"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"backend\": \"o\"}]}");
        var warmup = h.server.getWarmupService();
        var r = warmup.registerModels(new RegisterModelsParams(List.of(
                new ModelSpec("coder:latest", List.of("completion", "chat"), 1600, 3.0, "o", null)), false))
                .get(10, TimeUnit.SECONDS);
        assertEquals(List.of("coder:latest"), r.models(), "one entry for the one model Ollama has");
        r = warmup.registerModels(new RegisterModelsParams(List.of(
                new ModelSpec("coder", List.of("completion"), 1600, 3.0, null, null)), true))
                .get(10, TimeUnit.SECONDS);
        assertEquals(List.of("coder"), r.models(), "an id names one entry, whatever its model server");
        var e = assertThrows(ExecutionException.class, () -> warmup.registerModels(new RegisterModelsParams(List.of(
                new ModelSpec("qwen", List.of("chat"), 5500, 10.0, "o", null),
                new ModelSpec("library/qwen", List.of("chat"), 5500, 10.0, "o", null)), false))
                .get(10, TimeUnit.SECONDS));
        var err = assertInstanceOf(ResponseErrorException.class, e.getCause()).getResponseError();
        assertTrue(err.getMessage().contains("warmup.models[1].id") && err.getMessage().contains("qwen, which Ollama"),
                err.getMessage());
    }

    @Test
    void requestsBeforeInitializeAreRefusedButReportedUsesAreKept() throws Exception {
        h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, null, null));
        var error = errorOf(h.server.getWarmupService().status());
        assertEquals(-32002, error.getCode(), "LSP: ServerNotInitialized");
        assertTrue(error.getMessage().startsWith("WMP-8008") && error.getMessage().contains("warmup/status"),
                error.getMessage());
        h.initialize("{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500}]}");
        h.flush();
        UsageStats stats = h.server.getWarmupService().usageStats(new UsageStatsParams("coder", null))
                .get(10, TimeUnit.SECONDS);
        assertEquals(1, stats.count(), "the use reported before initialize is recorded");
        var again = errorOf(h.server.initialize(new org.eclipse.lsp4j.InitializeParams())); // answered as the first
        assertEquals(-32600, again.getCode(), "JSON-RPC: InvalidRequest");
        assertEquals("WMP-8017 Server already initialized: initialize again; LSP sends it once", again.getMessage());
        assertEquals(List.of("coder"), h.status().models()
                .stream().map(m -> m.id()).toList(), "the first initialize's settings stand");
    }

    @Test
    void shutdownThenExitEndsCleanly() throws Exception {
        h.initialize(null);
        h.server.shutdown().get(10, TimeUnit.SECONDS);
        var error = errorOf(h.server.getWarmupService().status());
        assertEquals(-32600, error.getCode(), "LSP: requests after shutdown are InvalidRequest");
        assertTrue(error.getMessage().startsWith("WMP-8009") && error.getMessage().contains("warmup/status"),
                error.getMessage());
        h.server.exit();
        assertEquals(0, h.exitCode.get(10, TimeUnit.SECONDS));
    }

    @Test
    void exitWithoutShutdownIsAnError() throws Exception {
        h.initialize(null);
        h.server.exit();
        assertEquals(1, h.exitCode.get(10, TimeUnit.SECONDS));
    }
}
