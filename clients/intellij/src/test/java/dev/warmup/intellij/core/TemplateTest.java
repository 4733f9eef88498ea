package dev.warmup.intellij.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The LSP4IJ user-defined server template parses, maps every file, and sends settings the server accepts. */
class TemplateTest {
    @Test
    void templateStartsTheJarForEveryFileWithValidSettings() throws Exception {
        JsonObject t = JsonParser.parseString(Files.readString(Path.of("template/template.json"))).getAsJsonObject();
        assertEquals("warmup", t.get("id").getAsString());
        for (String os : new String[] {"default", "windows"}) {
            String command = t.getAsJsonObject("programArgs").get(os).getAsString();
            // the JVM's own output kept off stdout, the protocol's
            assertTrue(command.contains("-Xlog:disable -Xlog:all=warning,cds*=off:stderr -jar "), command);
        }
        assertEquals("*", t.getAsJsonArray("fileTypeMappings").get(0).getAsJsonObject().getAsJsonObject("fileType")
                .getAsJsonArray("patterns").get(0).getAsString());
        JsonObject init = JsonParser.parseString(Files.readString(Path.of("template/initializationOptions.json")))
                .getAsJsonObject();
        JsonObject warmup = init.getAsJsonObject("settings").getAsJsonObject("warmup");
        for (var e : warmup.entrySet()) {
            assertNull(WarmupSettingsModel.validate(e.getKey(), e.getValue()), e.getKey());
            WarmupSettingsModel.spec(e.getKey()).ifPresent(s -> assertEquals(
                    String.valueOf(s.defaultValue()), e.getValue().getAsString(), "template default of " + s.key()));
        }
    }
}
