package dev.warmup.intellij.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.warmup.server.config.SettingsParser;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.WarmupException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings page validates exactly as the server does: the same keys, defaults and ranges. */
class SettingsModelTest {
    private static boolean serverAccepts(String key, JsonElement value) {
        JsonObject section = new JsonObject();
        section.add(key, value);
        JsonObject root = new JsonObject();
        root.add("warmup", section);
        try {
            SettingsParser.parse(root);
            return true;
        } catch (WarmupException e) {
            return false;
        }
    }

    @Test
    void everyKeyHasTheServersDefault() {
        JsonObject all = com.google.gson.JsonParser.parseString(new com.google.gson.Gson()
                .toJson(WarmupSettings.defaults())).getAsJsonObject();
        for (SettingSpec s : WarmupSettingsModel.SPECS) {
            assertTrue(all.has(s.key()), s.key());
            assertEquals(all.get(s.key()).getAsString(), String.valueOf(s.defaultValue()), s.key());
        }
    }

    @Test
    void rangesAgreeWithTheServerAtAndBeyondEachEnd() {
        for (SettingSpec s : WarmupSettingsModel.SPECS) {
            if (s.type().equals("boolean")) {
                assertNull(WarmupSettingsModel.validate(s.key(), new JsonPrimitive(false)));
                assertNotNull(WarmupSettingsModel.validate(s.key(), new JsonPrimitive(3)));
                assertTrue(!serverAccepts(s.key(), new JsonPrimitive(3)), s.key());
                continue;
            }
            double step = s.type().equals("int") ? 1 : 0.0005;
            for (double v : List.of(s.min(), s.max(), s.min() - step, s.max() + step)) {
                JsonPrimitive value = s.type().equals("int") ? new JsonPrimitive((long) v) : new JsonPrimitive(v);
                boolean ours = WarmupSettingsModel.validate(s.key(), value) == null;
                assertEquals(serverAccepts(s.key(), value), ours, s.key() + " = " + value);
            }
        }
    }

    @Test
    void errorsNameTheKeyValueAndRangeAndInitializationOptionsHaveTheSharedShape() {
        WarmupSettingsModel m = new WarmupSettingsModel();
        String error = m.set("maxMemoryMb", new JsonPrimitive(-1));
        assertEquals("warmup.maxMemoryMb = -1 is not allowed; expected an integer from 64 to 4194304", error);
        assertNull(m.set("maxMemoryMb", new JsonPrimitive(4096)));
        assertEquals(4096, m.get("maxMemoryMb").getAsInt());
        assertEquals(5, m.get("maxWarmModels").getAsInt());
        assertEquals("{\"settings\":{\"warmup\":{\"maxMemoryMb\":4096}}}", m.initializationOptions().toString());
    }
}
