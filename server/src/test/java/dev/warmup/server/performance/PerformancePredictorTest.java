package dev.warmup.server.performance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.PerformanceImpact;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerformancePredictorTest {
    private static final ModelSpec CODER = new ModelSpec("coder", List.of("completion"), 1500, 3.0, null, null);
    private static final ModelSpec BIG = new ModelSpec("big", List.of("chat"), 9000, 60.0, null, null);

    @Test
    void learnsLoadTimesAndSizesFromObservedLoads() {
        PerformancePredictor p = new PerformancePredictor(2);
        assertTrue(p.noHistory("coder"));
        assertEquals(3.0, p.expectedLoadSeconds(CODER), 1e-9); // the catalogue's figure until a load is seen
        p.observe("coder", 5000, 1700);
        assertFalse(p.noHistory("coder"));
        assertEquals(5.0, p.expectedLoadSeconds(CODER), 1e-9);
        p.observe("coder", 1000, -1);
        assertEquals(5.0 + 0.3 * (1.0 - 5.0), p.expectedLoadSeconds(CODER), 1e-9);
        for (int i = 0; i < 20; i++) {
            p.observe("coder", i == 19 ? 9000 : 2000, -1);
        }
        assertEquals(2.0, p.highLoadSeconds(CODER), 1e-9); // one slow load in twenty is above the 90th percentile
        assertEquals(1700, p.memoryMb(CODER));
    }

    @Test
    void impactIsTheShareOfTheMachineTheLoadsKeepBusy() {
        PerformancePredictor p = new PerformancePredictor(2);
        PerformanceImpact small = p.assessImpact(List.of(CODER), 300, 0.1);
        assertEquals(100 * 3.0 / 600, small.cpuImpactPercent(), 1e-9);
        assertEquals(1500, small.memoryImpactMb(), 1e-9);
        assertTrue(small.isAcceptable());
        PerformanceImpact heavy = p.assessImpact(List.of(CODER, BIG), 300, 0.1);
        assertEquals(63.0 / 600, heavy.responsivenessImpact(), 1e-9);
        assertFalse(heavy.isAcceptable());
        assertTrue(heavy.latencyIncreaseMs() > small.latencyIncreaseMs());
    }
}
