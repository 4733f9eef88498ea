package dev.warmup.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The catalogue holds at most {@link ConfigurationManager#MAX_MODELS} models, the settings' and those registered at
 * run time together: an orchestrator registering ids without end cannot grow it (and each plan) without bound.
 */
class CatalogueSizeTest {
    private static List<JsonObject> models(String prefix, int n) {
        List<JsonObject> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(JsonParser.parseString("{\"id\": \"" + prefix + i + "\", \"tasks\": [\"completion\"], \"memoryMb\":"
                    + " 100}").getAsJsonObject());
        }
        return out;
    }

    private static JsonObject settings(int n) {
        JsonArray array = new JsonArray();
        models("s", n).forEach(array::add);
        JsonObject section = new JsonObject();
        section.add("models", array);
        return section;
    }

    @Test
    void settingsOfMoreThanTheMostAreRefusedAndThePreviousStay() {
        ConfigurationManager config = new ConfigurationManager();
        config.apply(settings(ConfigurationManager.MAX_MODELS));
        WarmupException e = assertThrows(WarmupException.class,
                () -> config.apply(settings(ConfigurationManager.MAX_MODELS + 1)));
        assertEquals("WMP-8001 Invalid setting: the previous configuration stays in force: warmup.models holds 1001"
                + " models; at most 1000", e.getMessage());
        assertEquals(ConfigurationManager.MAX_MODELS, config.current().models().size());
    }

    @Test
    void registeringBeyondTheMostIsRefusedCountingTheSettingsModels() {
        ConfigurationManager config = new ConfigurationManager();
        config.apply(settings(600));
        config.registerModels(models("r", 400), false);
        WarmupException more = assertThrows(WarmupException.class, () -> config.registerModels(models("x", 1), false));
        assertEquals(ErrorCode.WMP_8003, more.code());
        assertEquals("WMP-8003 Invalid parameters: warmup/registerModels would make the catalogue 1001 models,"
                + " settings' and registered together; at most 1000", more.getMessage());
        assertEquals(1000, config.current().models().size(), "nothing of the refused call was kept");
        config.registerModels(models("x", 400), true); // replacing the registered ones: 1000 again
        WarmupException settingsNow = assertThrows(WarmupException.class, () -> config.apply(settings(601)));
        assertEquals("WMP-8001 Invalid setting: the previous configuration stays in force: warmup.models holds 601"
                + " models, which with the 400 registered at run time make more than 1000", settingsNow.getMessage());
        assertThrows(WarmupException.class, () -> config.registerModels(models("y", 1001), true));
        assertEquals(1000, config.current().models().size());
    }
}
