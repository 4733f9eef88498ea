package dev.warmup.server.replay.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.replay.Outcome;
import dev.warmup.server.replay.TraceTotals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReporterTest {
    @TempDir Path dir;

    /** A policy with {@code cold} cold starts and {@code gbHours} GB·h over the 10 active hours of {@link #TOTALS}. */
    private static Outcome outcome(long cold, double gbHours) {
        return new Outcome(cold, 0, gbHours * 1000 * 3_600_000, cold, 0, 0, List.of());
    }

    private static final TraceTotals TOTALS = new TraceTotals(1, 1000, 4, 10.0, Map.of("chat", 100L));

    private String page(Map<String, Outcome> outcomes) throws Exception {
        Path html = dir.resolve("report.html");
        new HtmlReporter(html, "t", name -> name.replaceAll("[-@].*", "")).report(TOTALS, outcomes);
        return Files.readString(html);
    }

    private static List<String> plots(String page) {
        return List.of(page.split("<svg", -1)).subList(1, page.split("<svg", -1).length).stream()
                .map(s -> s.substring(0, s.indexOf("</svg>"))).toList();
    }

    @Test
    void aSecondPlotZoomsOnKeepAlivesCurveAndOurs() throws Exception {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put("keepalive-5", outcome(70, 21)); // 7 cold starts at 2.1 GB·h per active hour
        outcomes.put("keepalive-10", outcome(47, 29));
        outcomes.put("keepalive-60", outcome(21, 72));
        outcomes.put("lru-budget", outcome(3, 1808)); // 180 GB·h per hour: two decades to the right
        outcomes.put("oracle", outcome(1, 2));
        outcomes.put("hybrid-histogram", outcome(29, 77)); // in the zoom, without lru-budget before it
        outcomes.put("predictive@0.7", outcome(15, 46));
        outcomes.put("predictive@0.999", outcome(34, 27));
        String page = page(outcomes);
        List<String> plots = plots(page);
        assertEquals(2, plots.size());
        assertTrue(page.contains("Our curve there (linear between its points either side): 3.200 cold starts, 31.9 %"
                + " fewer than keepalive-10&#39;s 4.700, 1.100 above the bar: not met."), "read at 2.9 GB·h: " + page);
        String all = plots.get(0);
        String zoom = plots.get(1);
        for (String legend : List.of(">keepalive<", ">lru<", ">oracle<", ">predictive<")) {
            assertTrue(all.contains(legend), legend);
        }
        assertTrue(zoom.contains(">keepalive<") && zoom.contains(">predictive<"), zoom);
        assertFalse(zoom.contains(">lru<") || zoom.contains(">oracle<"), "outside the zoom: left out of it");
        assertTrue(zoom.contains("predictive@0.999: 3.400 cold/h at 2.700 GB·h/h"), "each point named");
        assertTrue(zoom.contains(">2</text>") && zoom.contains(">5</text>"), "ticks at 1, 2 and 5: " + zoom);
        assertFalse(all.contains(">2</text>"), "the whole plot's ticks are decades");
        for (String plot : plots) { // a family has one colour on the page
            assertTrue(plot.contains("fill='#000000'><title>predictive@0.7"), "ours black in both");
            assertTrue(plot.contains("fill='#1f77b4'><title>keepalive-10"), plot);
            assertTrue(plot.contains("fill='#d62728'><title>hybrid-histogram"), plot);
            assertTrue(plot.contains("stroke-dasharray='6 4'><title>the bar: no more cold starts than keepalive-60,"
                    + " no more memory than keepalive-10</title>"), "the bar shaded in both: " + plot);
        }
    }

    @Test
    void withoutKeepAlivesCurveThereIsOnePlot() throws Exception {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put("keepalive-10", outcome(47, 29));
        outcomes.put("predictive@0.7", outcome(15, 46));
        outcomes.put("predictive@0.9", outcome(20, 38));
        assertEquals(1, plots(page(outcomes)).size());
    }

    @Test
    void aPointOnTopOfAnEarlierOneIsARingRoundIt() throws Exception {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put("keepalive-10", outcome(40, 30));
        outcomes.put("lru-budget", outcome(3, 1800));
        outcomes.put("greedy-dual", outcome(3, 1800)); // as on the Blaze split: 0.300 and 0.288 at 180.8 GB·h
        String plot = plots(page(outcomes)).get(0);
        assertTrue(plot.contains("r='4' fill='#ff7f0e'><title>lru-budget"), plot);
        assertTrue(plot.contains("r='7' fill='none' stroke-width='2' stroke='#2ca02c'><title>greedy-dual"), plot);
        assertTrue(plot.contains("r='4' fill='#1f77b4'><title>keepalive-10"), "apart: a dot as ever");
    }
}
