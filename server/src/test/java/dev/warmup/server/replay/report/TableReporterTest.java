package dev.warmup.server.replay.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.replay.Outcome;
import dev.warmup.server.replay.TraceTotals;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableReporterTest {
    @Test
    void aLongPolicyNameKeepsTheColumnsAligned() {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put("keepalive-10", new Outcome(12, 36_000, 1.0e9, 12, 0, 0, List.of()));
        outcomes.put("predictive-hindsight@0.995", new Outcome(7, 21_000, 2.0e9, 9, 2, 0, List.of()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TableReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .report(new TraceTotals(1, 100, 2, 3.0, Map.of("chat", 19L)), outcomes);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        int end = lines.get(1).indexOf("cold_starts") + "cold_starts".length(); // right-aligned column
        assertEquals(' ', lines.get(2).charAt(end), lines.get(2));
        assertEquals('2', lines.get(2).charAt(end - 1), lines.get(2));
        assertEquals('7', lines.get(3).charAt(end - 1), lines.get(3));
    }

    @Test
    void underAnHourOfActivitySaysThatThePerHourColumnsSayLittle() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TableReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8)).report(
                new TraceTotals(1, 20, 1, 0.25, Map.of("completion", 8L)),
                Map.of("keepalive-10", new Outcome(8, 24_000, 1.0e6, 0, 0, 0, List.of())));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("(15 minutes of activity in all: the per-hour columns say little yet; compare the totals)",
                lines.get(1));
    }
}
