package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ContextRatesTest {
    private static final long MIN = 60_000;

    @Test
    void aNewInstallAssumesWhatATenMinuteKeepAliveAssumes() {
        ContextRates rates = new ContextRates(1, 0.5);
        rates.observe(0, 0, 0);
        assertEquals(ContextRates.PRIOR_RECENT, rates.rate(0, 1000), 1e-9);
        assertEquals(ContextRates.PRIOR_RECENT, rates.rate(0, 10 * MIN - 1), 1e-9);
        assertEquals(ContextRates.PRIOR_LATER, rates.rate(0, 10 * MIN), 1e-9); // ten minutes, not the next bin edge
        assertEquals(ContextRates.PRIOR_LATER, rates.rate(0, 20 * MIN), 1e-9);
    }

    /** Bursts: three requests a minute apart, then an hour's silence, for many days. */
    @Test
    void learnsThatRequestsComeInBurstsAndStopAfterThem() {
        ContextRates rates = new ContextRates(2, 0.5);
        long t = 0;
        for (int day = 0; day < 40; day++) {
            for (int i = 0; i < 3; i++) {
                rates.observe(t, 0, 0);
                t += MIN;
            }
            rates.observe(t, 1, -1); // an event that requests nothing
            t += 60 * MIN;
        }
        rates.observe(t, 0, 0);
        double soon = rates.rate(0, t + MIN + 1_000);
        double later = rates.rate(0, t + 30 * MIN);
        assertTrue(soon > 20, "the next request comes a minute after the last: " + soon);
        assertTrue(later < 1, "nothing comes half an hour after: " + later);
        assertTrue(rates.rate(1, t + 30_000) < 1, "task 1 was never requested: " + rates.rate(1, t + 30_000));
    }

    /**
     * Task 0 is requested every 2.5 minutes while the developer works, for half an hour, then the developer is away
     * for 90 minutes; 50 times. Task 1 has hardly been seen. When task 1 is requested and the developer then goes
     * quiet, its rate falls as task 0's did: going away is learnt once, for every task.
     */
    @Test
    void whatOneTaskTeachesAboutTheDeveloperBeingAwayServesTheOthers() {
        ContextRates rates = new ContextRates(2, 0.5);
        long t = 0;
        rates.observe(t, 1, 1);
        for (int cycle = 0; cycle < 50; cycle++) {
            long start = t;
            for (long s = 0; s <= 30 * MIN; s += 10_000) {
                boolean request = s % 150_000 == 0;
                rates.observe(start + s, request ? 1 : 0, request ? 0 : -1);
            }
            t = start + 120 * MIN;
        }
        rates.observe(t, 1, 1);
        double away = rates.rate(1, t + 150_000);
        assertTrue(away < 1, "two and a half minutes of quiet after task 1: " + away + " (task 1's own past alone"
                + " says about the prior's " + ContextRates.PRIOR_RECENT + ")");
    }

    @Test
    void theNextChangeIsTheNextBinEdgeAfterNow() {
        ContextRates rates = new ContextRates(1, 0.5);
        assertEquals(Long.MAX_VALUE, rates.nextChange(0));
        rates.observe(1_000, 0, 0);
        assertEquals(1_000 + 10_000, rates.nextChange(1_000));
        assertEquals(1_000 + 60_000, rates.nextChange(1_000 + 45_000));
        long now = 1_000 + 31 * MIN;
        long next = rates.nextChange(now);
        assertTrue(next > now && next <= 1_000 + 45 * MIN, "next " + next);
    }
}
