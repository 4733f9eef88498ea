package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class BurstsTest {
    private static final double EPS = 1e-9;

    @Test
    void aNewInstallCountsEveryMissAsOneColdStart() {
        Bursts b = new Bursts(2);
        assertEquals(0, b.followers(0, 8), EPS);
    }

    @Test
    void countsTheRequestsThatFollowABurstsFirstWithinTheLoadTime() {
        Bursts b = new Bursts(2);
        b.observe(0, 0); // a burst starts
        b.observe(2_000, 0); // 2 s after its first request
        b.observe(5_000, 0); // 5 s after
        b.observe(10_000, 1); // another task: not a follower of task 0
        // still open: a burst is not counted before its window has passed, so nothing is known yet
        assertEquals(0, b.followers(0, 8), EPS);
        b.observe(64_000, -1); // the window has passed: one burst, with followers at 2 s and 5 s
        assertEquals(1, b.bursts(0));
        // shrunk by two bursts with no followers: (1 burst's count) / (1 + 2)
        assertEquals(1 / 3.0, b.followers(0, 4), EPS); // the one at 2 s
        assertEquals(2 / 3.0, b.followers(0, 8), EPS); // and the one at 5 s
        assertEquals(1 / 6.0, b.followers(0, 3), EPS); // between the 2 s and 4 s edges: interpolated
        assertEquals(2 / 3.0, b.followers(0, 120), EPS); // past the window: what the window saw
    }

    @Test
    void aRequestLessThanAMinuteAfterTheLastDoesNotStartABurst() {
        Bursts b = new Bursts(1);
        b.observe(0, 0);
        b.observe(70_000, 0); // the first burst closes; 70 s after the last request, a new burst starts
        b.observe(100_000, 0); // 30 s after the last request: a follower of the burst at 70 s (offset 30 s)
        b.observe(200_000, 0); // closes the burst at 70 s; 100 s after the last: a third burst starts
        assertEquals(2, b.bursts(0));
        assertEquals(1 / 4.0, b.followers(0, 32), EPS); // one follower within 32 s over 2 bursts + 2 prior
        assertEquals(0, b.followers(0, 16), EPS);
    }

    @Test
    void thePredictorLearnsBurstsFromTheRequestsItIsShown() {
        LearnedPredictor p = new LearnedPredictor(List.of("analysis", "completion"), ZoneOffset.UTC,
                LearnedPredictor.Config.defaults(0.1));
        long t = 0;
        for (int burst = 0; burst < 20; burst++) { // a build: three analysis requests within 5 s, every 10 minutes
            for (long offset : new long[] {0, 2_000, 5_000}) {
                p.observe(UsageEvent.simple(t + offset, EventKind.MODEL_USED, null, "analysis"));
            }
            p.observe(UsageEvent.simple(t + 60_000, EventKind.MODEL_USED, null, "completion"));
            t += 600_000;
        }
        // 19 bursts counted: the last is still open (no event came 64 s or more after its start)
        assertEquals(2 * 19 / 21.0, p.followers("analysis", 8), EPS);
        assertEquals(0, p.followers("completion", 8), EPS); // one request at a time
        assertEquals(0, p.followers("chat", 8), EPS); // not a task of this predictor
    }
}
