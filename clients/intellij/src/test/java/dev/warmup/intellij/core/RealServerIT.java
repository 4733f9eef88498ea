package dev.warmup.intellij.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin's platform-free parts against the real server jar over LSP4J, as LSP4IJ would drive it. */
class RealServerIT {
    @TempDir Path dir;

    /** What the plugin's LanguageClientImpl subclass does with warmup/* notifications. */
    public static final class Client implements LanguageClient {
        final List<JsonObject> statuses = new CopyOnWriteArrayList<>();
        final CompletableFuture<StatusText> firstStatus = new CompletableFuture<>();

        @JsonNotification("warmup/statusChanged")
        public void statusChanged(Object status) {
            JsonObject s = new Gson().toJsonTree(status).getAsJsonObject();
            statuses.add(s);
            firstStatus.complete(StatusText.of(s));
            onStatus.forEach(Runnable::run);
        }

        final List<Runnable> onStatus = new CopyOnWriteArrayList<>();

        volatile ClientBackendHandler backend; // the plugin's client backend, when a test gives it one

        @JsonNotification("warmup/load")
        public void load(JsonObject params) {
            if (backend != null) {
                backend.onLoad(params);
            }
        }

        @JsonNotification("warmup/unload")
        public void unload(JsonObject params) {
            if (backend != null) {
                backend.onUnload(params);
            }
        }

        @Override public void telemetryEvent(Object object) { }
        @Override public void publishDiagnostics(PublishDiagnosticsParams diagnostics) { }
        @Override public void showMessage(MessageParams messageParams) { }
        @Override public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) {
            return CompletableFuture.completedFuture(null);
        }
        @Override public void logMessage(MessageParams message) { }
    }

    /** Starts the server jar as the plugin does, with this JVM. */
    private Process startServer() throws Exception {
        Path jar = Path.of(System.getProperty("warmup.jar", "../../server/target/warmup-server.jar"));
        assertTrue(Files.exists(jar), "build the server first: " + jar);
        List<String> cmd = ServerCommandLine.build(Path.of(System.getProperty("java.home")),
                Runtime.version().feature(), dir, dir, dir, false, null); // this JVM's flags, the archive's too from 19 on
        cmd.set(cmd.indexOf("-jar") + 1, jar.toString());
        cmd.add("--data-dir");
        cmd.add(dir.resolve("data").toString());
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The settings page's model with one model, coder, for completion, loaded by the IDE. */
    private static WarmupSettingsModel coderSettings() {
        WarmupSettingsModel settings = new WarmupSettingsModel();
        settings.set("models", JsonParser.parseString("[{\"id\": \"coder\", \"tasks\": [\"completion\"], "
                + "\"memoryMb\": 1500, \"loadSeconds\": 3}]"));
        return settings;
    }

    /** {@code initialize} with the settings as the plugin's start options, then {@code initialized}. */
    private static void initialize(LanguageServer server, WarmupSettingsModel settings) throws Exception {
        InitializeParams init = new InitializeParams();
        init.setProcessId((int) ProcessHandle.current().pid());
        init.setInitializationOptions(settings.initializationOptions());
        server.initialize(init).get(60, TimeUnit.SECONDS);
        server.initialized(new InitializedParams());
    }

    /** {@code client} on the server's stdio, as LSP4IJ connects its client (not listening yet). */
    private static Launcher<LanguageServer> connect(Client client, Process p) {
        return LSPLauncher.createClientLauncher(client, p.getInputStream(), p.getOutputStream());
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    @Test
    void initializeWithThePluginsSettingsAndFollowStatus() throws Exception {
        Process p = startServer();
        try {
            Client client = new Client();
            Launcher<LanguageServer> launcher = connect(client, p);
            launcher.startListening();
            LanguageServer server = launcher.getRemoteProxy();
            WarmupSettingsModel settings = coderSettings();
            settings.set("maxMemoryMb", new com.google.gson.JsonPrimitive(3000));
            initialize(server, settings);
            Object status = server.getWorkspaceService().executeCommand(new ExecuteCommandParams("warmup.status",
                    List.of())).get(30, TimeUnit.SECONDS);
            JsonObject s = new Gson().toJsonTree(status).getAsJsonObject();
            assertEquals(3000, s.get("memoryBudgetMb").getAsInt());
            assertEquals("Warmup: 0 warm", StatusText.of(s).text());
            Object metrics = server.getWorkspaceService().executeCommand(new ExecuteCommandParams("warmup.metrics",
                    List.of())).get(30, TimeUnit.SECONDS);
            assertTrue(new Gson().toJsonTree(metrics).getAsJsonObject().has("eventsRecorded"));
            JsonObject used = JsonParser.parseString("{\"model\": \"coder\", \"task\": \"completion\", "
                    + "\"latencyMs\": 30, \"coldStart\": false}").getAsJsonObject();
            launcher.getRemoteEndpoint().notify("warmup/modelUsed", used);
            StatusText after = client.firstStatus.get(30, TimeUnit.SECONDS);
            assertTrue(after.tooltip().startsWith("coder: "), after.tooltip());
            // every activity kind the plugin sends is accepted and recorded
            ActivityReporter.KINDS.forEach(k -> launcher.getRemoteEndpoint().notify("warmup/activity",
                    java.util.Map.of("kind", k)));
            Object recorded = server.getWorkspaceService().executeCommand(new ExecuteCommandParams("warmup.metrics",
                    List.of())).get(30, TimeUnit.SECONDS);
            assertEquals(ActivityReporter.KINDS.size(), new Gson().toJsonTree(recorded).getAsJsonObject()
                    .getAsJsonObject("eventsRecorded").get("activity").getAsInt());
            // Tools → Warmup → Compare Prediction with Keep-Alive Timers: the replay of this history, summary first
            CommandResultText compared = CommandResultText.of("warmup.compare", server.getWorkspaceService()
                    .executeCommand(new ExecuteCommandParams("warmup.compare", List.of())).get(60, TimeUnit.SECONDS));
            assertEquals("warmup.compare.txt", compared.fileName());
            assertTrue(compared.text().startsWith("Over 0.0 active hours and 1 model requests, prediction would have"),
                    compared.text());
            // Tools → Warmup → Show Usage: today's use in the chart of the last 30 days, then the answer
            CommandResultText usage = CommandResultText.of("warmup.usageStats", server.getWorkspaceService()
                    .executeCommand(new ExecuteCommandParams("warmup.usageStats", List.of())).get(30, TimeUnit.SECONDS));
            assertTrue(usage.text().startsWith("Model uses by day, last 30 days: 1\n"), usage.text());
            // the settings page's Apply: stored, then pushed as didChangeConfiguration
            assertEquals(List.of(), settings.applyAll(java.util.Map.of("maxWarmModels", "2",
                    "backgroundWarmupEnabled", "false")));
            server.getWorkspaceService().didChangeConfiguration(
                    new org.eclipse.lsp4j.DidChangeConfigurationParams(settings.changeConfigurationSettings()));
            JsonObject changed = new Gson().toJsonTree(server.getWorkspaceService().executeCommand(
                    new ExecuteCommandParams("warmup.status", List.of())).get(30, TimeUnit.SECONDS)).getAsJsonObject();
            assertEquals(2, changed.get("maxWarmModels").getAsInt(), changed.toString());
            assertEquals(false, changed.get("backgroundWarmupEnabled").getAsBoolean());
            assertEquals(3000, changed.get("memoryBudgetMb").getAsInt(), "kept what was set before");
            server.shutdown().get(30, TimeUnit.SECONDS);
            server.exit();
        } finally {
            stop(p);
        }
    }

    /**
     * The client backend as the plugin runs it ({@link ClientBackendHandler}), over the wire: after an hour of
     * completion the IDE unloads the completion model, the server asks the IDE to load it again, no loader is
     * registered and the load fails; a loader registers, the server hears {@code warmup/loaderReady}, asks again at
     * once (without it, not within the minute this waits), and the model is warm. Then the server is restarted (as
     * Tools → Warmup → Restart Server does): the new one hears from the project's {@link LoadedModels} that the IDE
     * holds coder, shows it warm and does not load it again.
     */
    @Test
    void theClientBackendLoadsThroughALoaderRegisteredAfterAFailure() throws Exception {
        LoadedModels held = new LoadedModels(); // the project's, across its servers
        List<String> asked = new CopyOnWriteArrayList<>();
        ClientBackendHandler.Loader loader = new ClientBackendHandler.Loader() {
            public CompletableFuture<Long> load(String model) {
                asked.add(model);
                return CompletableFuture.completedFuture(1500L);
            }

            public CompletableFuture<Void> unload(String model) {
                return CompletableFuture.completedFuture(null);
            }
        };
        Process p = startServer();
        try {
            Client client = new Client();
            Launcher<LanguageServer> launcher = connect(client, p);
            CompletableFuture<Void> failedOnce = new CompletableFuture<>();
            client.backend = new ClientBackendHandler(state -> {
                launcher.getRemoteEndpoint().notify("warmup/modelState", state); // on its way before the test goes on
                if ("failed".equals(state.get("state").getAsString())) {
                    failedOnce.complete(null);
                }
            }, () -> launcher.getRemoteEndpoint().notify("warmup/loaderReady", null), System::currentTimeMillis, held);
            launcher.startListening();
            LanguageServer server = launcher.getRemoteProxy();
            initialize(server, coderSettings());
            // an hour of completion with coder, which the IDE has just unloaded: the server wants it warm again
            java.time.Instant now = java.time.Instant.now();
            for (int minute = 60; minute >= 1; minute--) {
                JsonObject use = new JsonObject();
                use.addProperty("model", "coder");
                use.addProperty("task", "completion");
                use.addProperty("at", now.minusSeconds(60L * minute).toString());
                launcher.getRemoteEndpoint().notify("warmup/modelUsed", use);
            }
            JsonObject unloaded = new JsonObject();
            unloaded.addProperty("model", "coder");
            unloaded.addProperty("state", "unloaded");
            launcher.getRemoteEndpoint().notify("warmup/modelState", unloaded);
            launcher.getRemoteEndpoint().notify("warmup/activity", java.util.Map.of("kind", "editorChanged"));
            failedOnce.get(60, TimeUnit.SECONDS); // asked to load coder, with no loader in the IDE yet

            int before = client.statuses.size(); // coder was warm in earlier ones, while used
            client.backend.register(loader);
            awaitStatus(client, before, s -> s.contains("coder: warm"));
            assertEquals(List.of("coder"), asked);
            server.shutdown().get(30, TimeUnit.SECONDS);
            server.exit();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the first server exits");
        } finally {
            stop(p);
        }
        Process again = startServer(); // the same data directory: it knows the hour of completion, and wants coder
        try {
            Client client = new Client();
            Launcher<LanguageServer> launcher = connect(client, again);
            client.backend = new ClientBackendHandler(state -> launcher.getRemoteEndpoint().notify("warmup/modelState",
                    state), () -> launcher.getRemoteEndpoint().notify("warmup/loaderReady", null),
                    System::currentTimeMillis, held);
            launcher.startListening();
            LanguageServer server = launcher.getRemoteProxy();
            InitializeParams init = new InitializeParams();
            init.setProcessId((int) ProcessHandle.current().pid());
            init.setInitializationOptions(coderSettings().initializationOptions());
            server.initialize(init).get(60, TimeUnit.SECONDS);
            // as the plugin's client does when LSP4IJ says the server started; here before initialized, so that the
            // server's first plan knows it (after it, a load the server sent first may reach the loader, which is
            // asked again for what it holds: harmless there, but not what this test looks at)
            client.backend.register(loader);
            server.initialized(new InitializedParams());
            awaitStatus(client, 0, s -> s.contains("coder: warm"));
            assertEquals(List.of("coder"), asked, "told the IDE holds it, the new server did not load it again");
            server.shutdown().get(30, TimeUnit.SECONDS);
            server.exit();
        } finally {
            stop(again);
        }
    }

    /** Waits for a status, the {@code from}-th or later, whose tooltip {@code tooltip} accepts. */
    private static void awaitStatus(Client client, int from, java.util.function.Predicate<String> tooltip)
            throws Exception {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        Runnable check = () -> {
            if (client.statuses.stream().skip(from).map(s -> StatusText.of(s).tooltip()).anyMatch(tooltip)) {
                seen.complete(null);
            }
        };
        client.onStatus.add(check);
        check.run();
        seen.get(60, TimeUnit.SECONDS);
    }

}
