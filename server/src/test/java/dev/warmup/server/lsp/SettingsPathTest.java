package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one settings path, over LSP4J's launcher: {@code initializationOptions}, {@code didChangeConfiguration} and the
 * {@code workspace/configuration} pull, each validated with an error naming the key, the previous settings standing.
 */
class SettingsPathTest {
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

    @Test
    void initializationOptionsAndChangesGoThroughOneValidatedPath() throws Exception {
        h.initialize("{\"maxWarmModels\": 3, \"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], "
                + "\"memoryMb\": 1500}]}");
        JsonObject cfg = h.config();
        assertEquals(3, cfg.get("maxWarmModels").getAsInt());
        assertEquals(0.7, cfg.get("predictionThreshold").getAsDouble());

        h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(
                JsonParser.parseString("{\"warmup\": {\"maxWarmModels\": 0}}")));
        var shown = h.client.await(h.client.shown, l -> !l.isEmpty(), Duration.ofSeconds(10));
        assertEquals(MessageType.Error, shown.get(0).getType());
        assertTrue(shown.get(0).getMessage().contains("WMP-8001"));
        assertTrue(shown.get(0).getMessage().contains("maxWarmModels"));
        assertTrue(shown.get(0).getMessage().contains("1 to 64"));
        assertEquals(3, h.config().get("maxWarmModels").getAsInt(), "previous config stays");

        h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(
                JsonParser.parseString("{\"warmup\": {\"maxWarmModels\": 4, \"learningRate\": 0.2}}")));
        assertEquals(4, h.config().get("maxWarmModels").getAsInt());
    }

    @Test
    void initializationOptionsMayBeTheSettingsThemselves() throws Exception {
        var p = new org.eclipse.lsp4j.InitializeParams(); // Helix sends its config so, Zed and others what one writes
        p.setCapabilities(new org.eclipse.lsp4j.ClientCapabilities());
        p.setInitializationOptions(JsonParser.parseString("{\"warmup\": {\"maxWarmModels\": 2}}"));
        h.server.initialize(p).get(10, TimeUnit.SECONDS);
        assertEquals(2, h.config().get("maxWarmModels").getAsInt());
    }

    @Test
    void aModelLargerThanTheBudgetIsNamedOnceWithWmp4002() throws Exception {
        h.initialize("{\"maxMemoryMb\": 4096, \"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], "
                + "\"memoryMb\": 1500}, {\"id\": \"big\", \"tasks\": [\"refactoring\"], \"memoryMb\": 10000}]}");
        var shown = h.client.await(h.client.shown, l -> !l.isEmpty(), Duration.ofSeconds(10));
        assertEquals(MessageType.Warning, shown.get(0).getType());
        assertTrue(shown.get(0).getMessage().startsWith("WMP-4002"), shown.get(0).getMessage());
        assertTrue(shown.get(0).getMessage().contains("big needs 10000 MB, maxMemoryMb is 4096"));
        h.command("warmup.pause");
        h.command("warmup.resume"); // reconfigured twice more: not said again
        h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(JsonParser.parseString(
                "{\"warmup\": {\"maxMemoryMb\": 8192, \"models\": [{\"id\": \"big\", \"tasks\": [\"refactoring\"], "
                + "\"memoryMb\": 10000}]}}")));
        shown = h.client.await(h.client.shown, l -> l.size() >= 2, Duration.ofSeconds(10)); // a new budget: said again
        assertTrue(shown.get(1).getMessage().contains("maxMemoryMb is 8192"), shown.get(1).getMessage());
        h.flush();
        assertEquals(2, h.client.shown.size(), h.client.shown.toString());
    }

    @Test
    void configurationIsPulledWhenTheChangeDoesNotCarryIt() throws Exception {
        h.client.configurationAnswer = JsonParser.parseString("{\"maxQueueSize\": 7}");
        initializeWithPull();
        h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(new JsonObject()));
        assertEquals(7, pulledQueueSize(7));
    }

    @Test
    void aPullTheEditorFailsIsQuietAndOneThatCannotBeReadIsRefusedWithWmp8001() throws Exception {
        initializeWithPull();
        h.client.configurationFailure = new IllegalStateException("the editor's handler failed");
        h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(new JsonObject()));
        h.flush(); // LSP4J answers the failure with an error response: the editor's to report
        assertEquals(List.of(), h.client.shown);
        assertEquals(100, h.config().get("maxQueueSize").getAsInt(), "the settings stand");

        // LSP4J read an object or a number answer as a one-item list when probed, so an answer it cannot read is
        // handed in directly, as a connection other than LSP4J's launcher would fail the pull
        MockClient direct = new MockClient();
        direct.configurationFailure = new com.google.gson.JsonSyntaxException(
                new IllegalStateException("Expected BEGIN_ARRAY but was NUMBER at line 1 column 40"));
        h.injector.getInstance(ClientNotifier.class).connect(direct);
        h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(new JsonObject()));
        var shown = direct.await(direct.shown, l -> !l.isEmpty(), Duration.ofSeconds(10));
        assertEquals(MessageType.Error, shown.get(0).getType());
        assertTrue(shown.get(0).getMessage().startsWith("WMP-8001"), shown.get(0).getMessage());
        assertTrue(shown.get(0).getMessage().endsWith("the editor's answer to workspace/configuration is not a list of"
                + " settings sections: Expected BEGIN_ARRAY but was NUMBER at line 1 column 40"),
                shown.get(0).getMessage());
        assertEquals(100, h.config().get("maxQueueSize").getAsInt(), "the settings stand");
        direct.configurationFailure = null;
        direct.configurationAnswer = JsonParser.parseString("{\"maxQueueSize\": 9}");
        h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(new JsonObject()));
        assertEquals(9, pulledQueueSize(9), "the next pull applies");
    }

    /** Initializes as a client that supports {@code workspace/configuration}. */
    private void initializeWithPull() throws Exception {
        var p = new org.eclipse.lsp4j.InitializeParams();
        var caps = new org.eclipse.lsp4j.ClientCapabilities();
        var ws = new org.eclipse.lsp4j.WorkspaceClientCapabilities();
        ws.setConfiguration(true);
        caps.setWorkspace(ws);
        p.setCapabilities(caps);
        h.server.initialize(p).get(10, TimeUnit.SECONDS);
        h.server.initialized(new org.eclipse.lsp4j.InitializedParams());
        h.client.await(h.client.statuses, l -> !l.isEmpty(), Duration.ofSeconds(10));
    }

    /** {@code maxQueueSize} once a pull has applied {@code expected} (the pull completes asynchronously). */
    private int pulledQueueSize(int expected) throws Exception {
        for (int i = 0; i < 200 && h.config().get("maxQueueSize").getAsInt() != expected; i++) {
            h.flush();
        }
        return h.config().get("maxQueueSize").getAsInt();
    }

    @Test
    void aMisspelledSettingIsNamedOnceWithTheKeyItLikelyMeans() throws Exception {
        String typo = "{\"maxWarmModel\": 2, \"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"]}]}";
        h.initialize(typo);
        h.changeSettings(typo); // its log messages were sent before the flush's answer
        List<String> named = h.client.logged.stream().map(m -> m.getMessage()).filter(m -> m.startsWith("WMP-8010"))
                .toList();
        assertEquals(List.of("WMP-8010 Unknown setting, ignored: warmup.maxWarmModel (did you mean maxWarmModels?)"),
                named, "named once, though the settings came twice");
        assertEquals(5, h.config().get("maxWarmModels").getAsInt(), "the default stays");
    }

    @Test
    void unknownSettingsAreNamedForTheFirstHundredKeysEachCut() throws Exception {
        StringBuilder many = new StringBuilder("{\"" + "k".repeat(5000) + "\": 1");
        for (int i = 0; i < 150; i++) { // settings can come from a workspace: their keys are anyone's strings
            many.append(", \"unknown").append(i).append("\": 1");
        }
        h.initialize(null);
        h.changeSettings(many.append("}").toString());
        List<String> named = h.client.logged.stream().map(m -> m.getMessage()).filter(m -> m.startsWith("WMP-8010"))
                .toList();
        assertEquals(100, named.size());
        assertTrue(named.stream().allMatch(m -> m.length() < 400), named.get(0));
    }
}
