package dev.warmup.server.replay.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.replay.Outcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bar read off a replay's totals, checked by hand over 10 active hours. */
class BarReadingTest {
    private static Outcome outcome(long cold, double gbHours) {
        return new Outcome(cold, 0, gbHours * 1000 * 3_600_000, cold, 0, 0, List.of());
    }

    private static Map<String, Outcome> baselines() {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put("keepalive-10", outcome(40, 30)); // 4 cold starts at 3 GB·h per active hour
        outcomes.put("keepalive-60", outcome(20, 70)); // the bar: 2 cold starts
        return outcomes;
    }

    @Test
    void theCurveIsReadAtKeepalive10sMemoryBetweenItsPointsEitherSide() {
        Map<String, Outcome> outcomes = baselines();
        outcomes.put("predictive", outcome(10, 50)); // 1 at 5
        outcomes.put("predictive@0.99", outcome(30, 20)); // 3 at 2
        outcomes.put("predictive@0.999", outcome(40, 10)); // 4 at 1: not around 3 GB·h, not used
        outcomes.put("predictor-of-another-kind", outcome(0, 30)); // not a point of our curve
        BarReading bar = BarReading.of(outcomes, 10).orElseThrow();
        assertEquals(3, bar.memory(), 1e-12);
        assertEquals(4, bar.reference(), 1e-12);
        assertEquals(2, bar.bar(), 1e-12);
        assertEquals(3 - 2 * (1 / 3.0), bar.ours(), 1e-12); // a third of the way from 3 at 2 GB·h to 1 at 5
        assertFalse(bar.met());
        assertEquals("The bar, per active user-hour: no more cold starts than keepalive-60 (2.000) at no more warm"
                + " memory than keepalive-10 (3.000 GB·h). Our curve there (linear between its points either side):"
                + " 2.333 cold starts, 41.7 % fewer than keepalive-10's 4.000, 0.333 above the bar: not met.",
                bar.sentence());
    }

    /** The reading of {@code outcomes} with two points of our curve: cold starts and GB·h over the 10 hours. */
    private static BarReading withCurve(Map<String, Outcome> outcomes, long cold1, double gb1, long cold2, double gb2) {
        outcomes.put("predictive@0.9", outcome(cold1, gb1));
        outcomes.put("predictive@0.99", outcome(cold2, gb2));
        return BarReading.of(outcomes, 10).orElseThrow();
    }

    @Test
    void theReferencePoliciesMayBeSpeltWithTheirKnob() {
        Map<String, Outcome> knobs = new LinkedHashMap<>();
        knobs.put("keepalive@10", outcome(40, 30));
        knobs.put("keepalive@60", outcome(20, 70));
        assertEquals(withCurve(baselines(), 10, 50, 30, 20), withCurve(knobs, 10, 50, 30, 20));
    }

    @Test
    void aCurveAtOrBelowTheBarMeetsIt() {
        BarReading bar = withCurve(baselines(), 20, 40, 20, 20);
        assertEquals(2, bar.ours(), 1e-12);
        assertTrue(bar.met());
        assertTrue(bar.sentence().endsWith("2.000 cold starts, 50.0 % fewer than keepalive-10's 4.000, 0.000 at or"
                + " below the bar: met."), bar.sentence());
    }

    @Test
    void aCurveWorseThanKeepalive10SaysMore() {
        assertTrue(withCurve(baselines(), 50, 40, 50, 20).sentence().contains("5.000 cold starts, 25.0 % more than"
                + " keepalive-10's 4.000, 3.000 above the bar: not met."));
    }

    @Test
    void aCurveThatDoesNotReachTheMemoryIsNotExtrapolated() {
        Map<String, Outcome> outcomes = baselines();
        outcomes.put("predictive", outcome(10, 50));
        BarReading bar = BarReading.of(outcomes, 10).orElseThrow();
        assertTrue(Double.isNaN(bar.ours()));
        assertFalse(bar.met());
        assertTrue(bar.sentence().endsWith("Our curve's points do not reach that memory on both sides, so it is not"
                + " read there: add predictive@X points around it (--report sweeps the curve)."), bar.sentence());
    }

    @Test
    void withoutBothBaselinesOrOurCurveThereIsNoReading() {
        Map<String, Outcome> outcomes = baselines();
        assertTrue(BarReading.of(outcomes, 10).isEmpty(), "no point of our curve");
        outcomes.put("predictive", outcome(10, 50));
        assertTrue(BarReading.of(outcomes, 0).isEmpty(), "no active time");
        outcomes.remove("keepalive-60");
        assertTrue(BarReading.of(outcomes, 10).isEmpty(), "no keepalive-60");
    }
}
