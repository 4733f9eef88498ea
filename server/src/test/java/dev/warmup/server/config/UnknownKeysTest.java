package dev.warmup.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys the server does not know are named, with the one they most likely misspell; the clients' own are not. */
class UnknownKeysTest {
    @Test
    void typosAreNamedWithTheirLikelyKeyAndTheClientsKeysAreNot() {
        JsonObject section = JsonParser.parseString("{\"maxWarmModel\": 3, \"java\": {\"home\": \"/opt/jdk\"}, "
                + "\"trace\": {\"server\": \"off\"}, \"server\": {\"logLevel\": \"debug\"}, \"frobnicate\": 1, \"maxMemoryMb\": 4096, \"models\": [{\"id\": "
                + "\"a\", \"tasks\": [\"chat\"], \"memoryMB\": 1500}], \"backends\": {\"local\": {\"type\": "
                + "\"ollama\", \"url\": \"http://127.0.0.1:11434\", \"timeout\": 5, \"keepalive\": \"5m\"}}}")
                .getAsJsonObject();
        assertEquals(List.of("warmup.maxWarmModel (did you mean maxWarmModels?)", "warmup.frobnicate",
                "warmup.models[0].memoryMB (did you mean memoryMb?)", "warmup.backends.local.timeout",
                "warmup.backends.local.keepalive (did you mean keepAlive?)"), UnknownKeys.in(section));
    }

    @Test
    void everySettingTheVsCodeExtensionContributesIsKnown() throws Exception {
        JsonObject pkg = JsonParser.parseString(Files.readString(Path.of("..", "clients", "vscode", "package.json")))
                .getAsJsonObject();
        JsonObject properties = pkg.getAsJsonObject("contributes").getAsJsonObject("configuration")
                .getAsJsonObject("properties");
        JsonObject section = new JsonObject();
        for (String key : properties.keySet()) {
            assertTrue(key.startsWith("warmup."), key);
            section.addProperty(key.substring("warmup.".length()).split("\\.")[0], 0);
        }
        assertTrue(section.size() > 10, section.toString());
        assertEquals(List.of(), UnknownKeys.in(section), "a setting the extension offers would be named unknown");
    }
}
