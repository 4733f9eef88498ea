package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import org.junit.jupiter.api.Test;

/** Where the live predictor sees each report: in order as it is, else re-dated onto its one forward timeline. */
class LiveTimelineTest {
    private static UsageEvent use(long t) {
        return UsageEvent.simple(t, EventKind.MODEL_USED, null, "chat");
    }

    @Test
    void inOrderAsItIsOutOfOrderAsOfItsArrivalLongLateNotAtAll() {
        LiveTimeline timeline = new LiveTimeline();
        UsageEvent first = use(100_000);
        assertSame(first, timeline.place(first, 101_000), "in order: as it is");
        assertEquals(103_000, timeline.place(use(105_000), 103_000).at(), "dated ahead of its arrival: its arrival");
        assertEquals(103_000, timeline.place(use(102_000), 104_000).at(), "before the last placed: as of that");
        assertNull(timeline.place(use(103_000 - LiveTimeline.MAX_LATE_MILLIS), 104_000 + LiveTimeline.MAX_LATE_MILLIS),
                "over a minute late and out of order: left to the next rebuild");
        UsageEvent quiet = use(110_000);
        assertSame(quiet, timeline.place(quiet, 110_000 + 5 * LiveTimeline.MAX_LATE_MILLIS),
                "long late but after everything placed: still in order, as it is");
    }
}
