package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay's hindsight bound: context rates fitted on a whole trace, then frozen on a fresh timeline. */
class HindsightRatesTest {
    private static final long MIN = 60_000;

    @Test
    void aFrozenCopyKnowsTheWholeTraceFromItsStartAndLearnsNothingMore() {
        ContextRates fit = new ContextRates(1, 0.5);
        long t = 0;
        for (int day = 0; day < 40; day++) { // bursts: three requests a minute apart, then an hour's silence
            for (int i = 0; i < 3; i++) {
                fit.observe(t, 0, 0);
                t += MIN;
            }
            t += 60 * MIN;
        }
        ContextRates frozen = fit.frozenCopy();
        assertEquals(Long.MAX_VALUE, frozen.nextChange(0), "a fresh timeline: no event seen yet");
        frozen.observe(0, 0, 0);
        assertTrue(frozen.rate(0, MIN) > 20, "knows the bursts at its first request: " + frozen.rate(0, MIN));
        ContextRates online = new ContextRates(1, 0.5);
        online.observe(0, 0, 0);
        assertEquals(ContextRates.PRIOR_RECENT, online.rate(0, MIN), 1e-9);

        double before = frozen.rate(0, 30 * MIN);
        for (long s = 30 * MIN; s < 200 * 30 * MIN; s += 30 * MIN) { // a request every half hour, for days
            frozen.observe(s, 0, 0);
        }
        long last = 199 * 30 * MIN;
        assertEquals(before, frozen.rate(0, last + 30 * MIN), 1e-12, "counts nothing more");
        ContextRates again = fit.frozenCopy();
        again.observe(0, 0, 0);
        assertEquals(before, again.rate(0, 30 * MIN), 1e-12, "the counts they share, untouched");
    }

    @Test
    void thePredictorFittedInHindsightReadsEventTypesAsTheFitDid() {
        List<String> tasks = List.of("completion", "chat");
        List<UsageEvent> whole = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 300; i++) { // "search" opens a window; chat follows it 5 s later; "scroll" leads nowhere
            whole.add(UsageEvent.simple(t, EventKind.TRACE, "search", null));
            whole.add(UsageEvent.simple(t + 5_000, EventKind.TRACE, "ask", "chat"));
            whole.add(UsageEvent.simple(t + 20 * MIN, EventKind.TRACE, "scroll", null));
            whole.add(UsageEvent.simple(t + 21 * MIN, EventKind.TRACE, "scroll", null));
            t += 40 * MIN;
        }
        LearnedPredictor hindsight = new LearnedPredictor(tasks, ZoneOffset.UTC, LearnedPredictor.Config.defaults(0.1));
        hindsight.fitContextRatesInHindsight(whole);
        LearnedPredictor online = new LearnedPredictor(tasks, ZoneOffset.UTC, LearnedPredictor.Config.defaults(0.1));
        double[] p = new double[2];
        double[] q = new double[2];

        for (int i = 0; i < 5; i++) { // one cycle, then the next search, forty minutes after the first
            hindsight.observe(whole.get(i));
            online.observe(whole.get(i));
        }
        hindsight.probabilities(40 * MIN + 1_000, p);
        online.probabilities(40 * MIN + 1_000, q);
        assertTrue(p[1] > 0.9, "after a search, chat comes: " + p[1]);
        assertTrue(q[1] < 0.5, "a new install cannot know that yet: " + q[1]);

        for (int i = 5; i < 7; i++) {
            hindsight.observe(whole.get(i));
        }
        hindsight.probabilities(60 * MIN + 1_000, p); // scrolling, twenty minutes after chat
        assertTrue(p[1] < 0.1, "after scrolling, no chat: " + p[1]);
    }
}
