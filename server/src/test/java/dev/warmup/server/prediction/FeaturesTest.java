package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The features of a forecast in words, as its reasoning gives them, read off a vector of a known history. */
class FeaturesTest {
    private static final List<String> TASKS = List.of("completion", "chat");

    @Test
    void eachFeatureOfAKnownMomentReadsAsWhatHappened() {
        FeatureState state = new FeatureState(TASKS.size(), ZoneOffset.UTC, 300_000);
        long t = 1_773_001_800_000L; // Sunday 2026-03-08, 20:30 UTC
        state.observe(UsageEvent.simple(t - 7_200_000, EventKind.MODEL_USED, null, "chat"), 1); // an earlier session
        state.observe(UsageEvent.simple(t - 240_000, EventKind.MODEL_USED, null, "chat"), 1);
        state.observe(UsageEvent.simple(t - 120_000, EventKind.MODEL_USED, null, "chat"), 1);
        state.observe(UsageEvent.simple(t - 60_000, EventKind.MODEL_USED, null, "chat"), 1);
        state.observe(UsageEvent.simple(t - 30_000, EventKind.CHANGE, null, null), -1);
        float[] x = new float[Features.size(TASKS.size())];
        state.vector(t, x);
        List<String> names = Features.names(TASKS);
        Map<String, String> said = new LinkedHashMap<>();
        for (int i = 0; i < x.length; i++) {
            said.put(names.get(i), Features.describe(names.get(i), x[i]));
        }
        assertEquals("idle for 30 s", said.get("idle"));
        assertEquals("session running for 4 min", said.get("sessionAge"), "since the request 4 minutes ago");
        assertEquals("1 event in the last 1 min", said.get("events1m"));
        assertEquals("4 events in the last 10 min", said.get("events10m"));
        assertEquals("4 events in the last 60 min", said.get("events60m"));
        assertEquals("last chat request 60 s ago", said.get("sinceLast_chat"));
        assertEquals("3 chat requests in the last 5 min", said.get("count5m_chat"));
        assertEquals("3 chat requests in the last hour", said.get("count60m_chat"));
        assertEquals("4 chat requests in the last day", said.get("count24h_chat"));
        assertEquals("3 chat requests this session", said.get("session_chat"));
        assertEquals("0 completion requests in the last day", said.get("count24h_completion"));
        assertEquals("last completion request 30 days ago", said.get("sinceLast_completion"), "never: 30 days");
        assertEquals("75% of chat use falls in this hour of the day", said.get("hourShare_chat"),
                "three of its four requests came at 20:2x, one at 18:30");
    }

    @Test
    void reasonsAreEnglishWhateverTheServersLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY); // a decimal comma
        try {
            assertEquals("idle for 2.5 h", Features.describe("idle", (float) Math.log1p(9000)));
        } finally {
            Locale.setDefault(before);
        }
    }
}
