package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The feature state's memory of event types: clients' strings, so bounded. */
class FeatureStateTest {
    @Test
    void aClientInventingAnActivityKindPerEventStopsAddingTypesAtTheCap() {
        FeatureState state = new FeatureState(2, ZoneOffset.UTC, 300_000);
        long t = 1_000_000;
        state.observe(UsageEvent.simple(t, EventKind.MODEL_USED, null, "chat"), 0);
        for (int i = 0; i < 3 * FeatureState.MAX_TYPES; i++) {
            t += 1_000;
            state.observe(UsageEvent.simple(t, EventKind.ACTIVITY, "kind-" + i, null), -1);
        }
        assertEquals(FeatureState.MAX_TYPES, state.types());
        assertEquals(-1, state.lastType(), "a type beyond the cap counts as none");
        float[] x = new float[Features.size(2)];
        state.vector(t + 1_000, x); // still forecasts, from the levels that do not need the type
        for (float v : x) {
            assertEquals(false, Float.isNaN(v));
        }
    }
}
