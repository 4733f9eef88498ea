package dev.warmup.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.config.SettingsParser;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.performance.PerformancePredictor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImpactTrimTest {
    private final WarmupSettings settings = SettingsParser.parse(JsonParser.parseString("{\"warmupTimeoutSeconds\": 30,"
            + " \"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500, \"loadSeconds\": 3},"
            + " {\"id\": \"big\", \"tasks\": [\"chat\"], \"memoryMb\": 1900, \"loadSeconds\": 20}]}"));

    @Test
    void aLoadCountsAsUnderWayUntilWarmupTimeoutSecondsHavePassed() {
        ModelStates states = new ModelStates();
        states.loading("coder", 1500, 0); // an editor's report, never followed by how the load ended
        assertEquals(List.of("coder"), ids(ImpactTrim.underWay(settings, states, 29_999)));
        assertEquals(List.of(), ids(ImpactTrim.underWay(settings, states, 30_000)), "no longer holding loads back");
        states.warm("coder", 1500);
        assertEquals(List.of(), ids(ImpactTrim.underWay(settings, states, 1)));
    }

    @Test
    void theLeastValuableLoadsAreCutCountingThoseUnderWayAndTheStatusToldWhy() {
        List<List<String>> shown = new ArrayList<>();
        ImpactTrim trim = new ImpactTrim(new PerformancePredictor(1), shown::add);
        List<WarmSetPlanner.PlannedLoad> both = List.of(load("coder"), load("big"));
        ModelSpec coder = settings.model("coder").orElseThrow();

        // 23 s of loading in 5 minutes on one core: 7.7 %
        assertEquals(List.of(load("coder")), trim.affordable(both, List.of(), this::spec, 0.07));
        assertEquals(both, trim.affordable(both, List.of(), this::spec, 0.08));
        assertEquals(List.of(), trim.affordable(List.of(load("big")), List.of(coder), this::spec, 0.07),
                "coder under way counts");
        assertEquals(List.of(load("big")), trim.affordable(List.of(load("big")), List.of(coder), this::spec, 0.08));
        assertEquals(4, shown.size());
        assertEquals(List.of(), shown.get(1));
        assertEquals(List.of(), shown.get(3));
        assertEquals(1, shown.get(0).size());
        assertEquals(shown.get(0).get(0).replace("planned", "under way and planned"), shown.get(2).get(0));
    }

    private ModelSpec spec(String id) {
        return settings.model(id).orElseThrow();
    }

    private static WarmSetPlanner.PlannedLoad load(String id) {
        return new WarmSetPlanner.PlannedLoad(id, 0, 1, "");
    }

    private static List<String> ids(List<ModelSpec> models) {
        return models.stream().map(ModelSpec::id).toList();
    }
}
