package dev.warmup.intellij.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the settings page stores and pushes: all-or-nothing edits, a faithful round trip, a tolerant reload. */
class SettingsStorageTest {
    @Test
    void anEditWithOneBadFieldChangesNothingAndNamesTheField() {
        WarmupSettingsModel model = new WarmupSettingsModel();
        Map<String, String> page = new LinkedHashMap<>();
        page.put("maxWarmModels", "3");
        page.put("predictionThreshold", "1.5");
        page.put("maxCpuPercent", "lots");
        List<String> errors = model.applyAll(page);
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("warmup.predictionThreshold = 1.5 is not allowed"), errors.get(0));
        assertTrue(errors.get(1).contains("warmup.maxCpuPercent") && errors.get(1).contains("not a number"),
                errors.get(1));
        assertEquals(5, model.get("maxWarmModels").getAsInt(), "nothing applied");
    }

    @Test
    void aGoodEditIsAppliedAndAnEmptyFieldResetsTheDefault() {
        WarmupSettingsModel model = new WarmupSettingsModel();
        assertEquals(List.of(), model.applyAll(Map.of("maxWarmModels", "3", "backgroundWarmupEnabled", "false")));
        assertEquals(3, model.get("maxWarmModels").getAsInt());
        assertEquals(List.of(), model.applyAll(Map.of("maxWarmModels", " ")));
        assertEquals(5, model.get("maxWarmModels").getAsInt());
        assertEquals("{\"backgroundWarmupEnabled\":false}", model.toJson());
    }

    @Test
    void storedSettingsRoundTripAndBadStoredValuesAreDroppedNotFatal() {
        WarmupSettingsModel model = new WarmupSettingsModel();
        model.applyAll(Map.of("maxMemoryMb", "4096", "predictionThreshold", "0.9"));
        model.set("models", com.google.gson.JsonParser.parseString("[{\"id\": \"coder\", \"tasks\": [\"completion\"]}]"));
        List<String> problems = new ArrayList<>();
        WarmupSettingsModel back = WarmupSettingsModel.fromJson(model.toJson(), problems);
        assertEquals(List.of(), problems);
        assertEquals(model.toJson(), back.toJson());

        WarmupSettingsModel edited = WarmupSettingsModel.fromJson(
                "{\"maxMemoryMb\": 10, \"maxWarmModels\": 2, \"noSuchKey\": 1}", problems);
        assertEquals(2, edited.get("maxWarmModels").getAsInt());
        assertEquals(2048, edited.get("maxMemoryMb").getAsInt());
        assertEquals(2, problems.size(), problems.toString());
        problems.clear();
        assertEquals("{}", WarmupSettingsModel.fromJson("{not json", problems).toJson());
        assertEquals(1, problems.size());
    }

    @Test
    void theChangeNotificationCarriesTheWarmupSection() {
        WarmupSettingsModel model = new WarmupSettingsModel();
        model.applyAll(Map.of("maxWarmModels", "2"));
        assertEquals("{\"warmup\":{\"maxWarmModels\":2}}", model.changeConfigurationSettings().toString());
        assertEquals("{\"settings\":{\"warmup\":{\"maxWarmModels\":2}}}", model.initializationOptions().toString());
    }
}
