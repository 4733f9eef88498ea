package dev.warmup.server.replay.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.ModelTally;
import dev.warmup.server.replay.Outcome;
import dev.warmup.server.replay.TraceTotals;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code replay --by-model}: one row per policy and model, every column per active user-hour. */
class ModelTableReporterTest {
    private static final double MB_MS_PER_GB_H = 1000.0 * 3_600_000; // 1 GB = 1000 MB here, as in EVALUATION.md

    @Test
    void eachPolicyHasARowPerCatalogueModelWithItsFiguresPerActiveHour() {
        ModelTally nothing = ModelTally.ZERO;
        // over 2 active hours: analysis missed 6 times, 4 requests waited on a load (2 of them first to reach a late
        // pre-warm), 3 of those cold starts a session's first; held 5 GB for 3 h, of which 1 GB·h by wasted pre-warms
        ModelTally analysis = new ModelTally(6, 4, 2, 15 * MB_MS_PER_GB_H, MB_MS_PER_GB_H, 3);
        ModelTally chat = new ModelTally(1, 0, 0, 0.5 * MB_MS_PER_GB_H, 0, 1);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put("keepalive-10", new Outcome(11, 0, 15.5 * MB_MS_PER_GB_H, 7, 0, 0,
                List.of(nothing, analysis, chat, nothing)));
        outcomes.put("predictive@0.995", new Outcome(0, 0, 0, 0, 0, 0,
                List.of(nothing, nothing, nothing, nothing)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ModelTableReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8), Catalog.evaluationDefault())
                .report(new TraceTotals(1, 100, 2, 2.0, Map.of("analysis", 10L)), outcomes);

        List<List<String>> rows = bytes.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                .map(l -> List.of(l.trim().split(" +"))).toList();
        assertEquals(List.of("policy", "model", "misses/h", "whileLoading/h", "latePrewarm/h", "sessionFirst/h",
                "gb_h/h", "wasted_gb_h/h"), rows.get(0));
        assertEquals(9, rows.size(), "a header and 4 models for each of 2 policies: " + rows);
        assertEquals(List.of("keepalive-10", "analysis", "3.000", "2.000", "1.000", "1.500", "7.500", "0.500"),
                rows.get(2));
        assertEquals(List.of("keepalive-10", "chat", "0.500", "0.000", "0.000", "0.500", "0.250", "0.000"),
                rows.get(3));
        assertEquals(List.of("completion", "analysis", "chat", "refactoring"),
                rows.subList(5, 9).stream().map(r -> r.get(1)).toList(), "the catalogue's order");
        assertEquals(List.of("predictive@0.995", "refactoring", "0.000", "0.000", "0.000", "0.000", "0.000",
                "0.000"), rows.get(8));
    }
}
