package dev.warmup.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The server's clock follows the wall clock forward, waits out a small step back, catches up with a large one at
 * half pace, and never reads less than it read before.
 */
class SteadyClockTest {
    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

    private final MutableClock wall = new MutableClock(START);
    private final AtomicLong monotonic = new AtomicLong(123_456_789L);
    private final SteadyClock clock = new SteadyClock(wall, monotonic::get);

    /** Time passes: both clocks move. */
    private void pass(Duration d) {
        wall.advance(d);
        monotonic.addAndGet(d.toNanos());
    }

    @Test
    void inStepWithTheWallClockItReadsTheWallClock() {
        assertEquals(START.toEpochMilli(), clock.millis());
        pass(Duration.ofMillis(1234));
        assertEquals(START.toEpochMilli() + 1234, clock.millis());
        assertEquals(START.plusMillis(1234), clock.instant());
    }

    @Test
    void aStepForwardAndAMachineWakingFromSleepAreFollowedAtOnce() {
        wall.advance(Duration.ofHours(1)); // set forward: the monotonic clock did not move
        assertEquals(START.plus(Duration.ofHours(1)), clock.instant());
        wall.advance(Duration.ofHours(8)); // asleep: Linux's monotonic clock stands still meanwhile
        monotonic.addAndGet(1_000_000);
        assertEquals(START.plus(Duration.ofHours(9)), clock.instant());
    }

    @Test
    void aStepBackOfAFewMillisecondsIsWaitedOut() {
        pass(Duration.ofSeconds(1));
        long before = clock.millis();
        wall.advance(Duration.ofMillis(-5));
        assertEquals(before, clock.millis());
        pass(Duration.ofMillis(3));
        assertEquals(before, clock.millis(), "still waiting for the wall clock");
        pass(Duration.ofMillis(4));
        assertEquals(wall.millis(), clock.millis(), "in step again");
    }

    @Test
    void aStepBackIsCaughtUpWithAtHalfPaceAndThenTheWallClockIsFollowed() {
        pass(Duration.ofMinutes(1));
        long before = clock.millis();
        wall.advance(Duration.ofHours(-1));
        assertEquals(before, clock.millis(), "not back");
        pass(Duration.ofMinutes(10));
        assertEquals(before + Duration.ofMinutes(5).toMillis(), clock.millis(), "on at half pace");
        pass(Duration.ofMinutes(100));
        assertEquals(before + Duration.ofMinutes(55).toMillis(), clock.millis());
        pass(Duration.ofMinutes(10)); // two hours after the step: the wall clock has caught up
        assertEquals(wall.millis(), clock.millis());
        pass(Duration.ofSeconds(30));
        assertEquals(wall.millis(), clock.millis(), "in step again");
    }

    @Test
    void anInstantReadOffTheSystemClockIsMovedOnByTheLeadWhileCatchingUp() {
        assertEquals(wall.millis(), SteadyClock.fromSystemClock(clock, wall.millis()), "in step");
        pass(Duration.ofMinutes(1));
        wall.advance(Duration.ofHours(-1));
        pass(Duration.ofMinutes(10));
        assertEquals(clock.millis(), SteadyClock.fromSystemClock(clock, wall.millis()), "the system's now is ours");
        assertEquals(clock.millis() - 5000, SteadyClock.fromSystemClock(clock, wall.millis() - 5000));
        assertEquals(wall.millis(), SteadyClock.fromSystemClock(wall, wall.millis()), "another clock: as it is");
        assertEquals(Long.MAX_VALUE, SteadyClock.fromSystemClock(clock, Long.MAX_VALUE - 1000), "no overflow");
    }

    @Test
    void aWaitOnTheServersClockTakesTheMonotonicTimeItWillReallyTake() {
        assertEquals(20_000, SteadyClock.realMillis(clock, 20_000), "in step");
        pass(Duration.ofMinutes(1));
        wall.advance(Duration.ofHours(-1));
        pass(Duration.ofMinutes(10)); // 55 minutes ahead
        long start = clock.millis();
        long wait = SteadyClock.realMillis(clock, 20_000);
        assertEquals(40_000, wait, "half pace");
        pass(Duration.ofMillis(wait));
        assertEquals(start + 20_000, clock.millis(), "the wait ends when the server's clock has gone on 20 s");
        long longWait = SteadyClock.realMillis(clock, Duration.ofHours(2).toMillis());
        long lead = clock.millis() - wall.millis();
        assertEquals(Duration.ofHours(2).toMillis() + lead, longWait, "half pace over the lead, full pace after it");
        long before = clock.millis();
        pass(Duration.ofMillis(longWait));
        assertEquals(before + Duration.ofHours(2).toMillis(), clock.millis());
        assertEquals(wall.millis(), clock.millis(), "in step again");
        assertEquals(0, SteadyClock.realMillis(clock, 0));
        assertEquals(5000, SteadyClock.realMillis(wall, 5000), "another clock: as it is");
    }

    @Test
    void aHistoryEndingAheadOfTheSystemClockIsGoneOnFromWithinADay() {
        try (LogCapture log = new LogCapture(SteadyClock.class)) {
            long start = clock.millis();
            long datedAhead = Duration.ofMinutes(5).toMillis();
            SteadyClock.notBefore(clock, start - 60_000, datedAhead);
            assertEquals(start, clock.millis(), "a history behind: nothing to do");
            SteadyClock.notBefore(clock, start + datedAhead, datedAhead);
            assertEquals(start, clock.millis(), "no further ahead than a client may date a use: no step to go on from");
            SteadyClock.notBefore(clock, start + SteadyClock.HISTORY_LEAD_MILLIS + 1, datedAhead);
            assertEquals(start, clock.millis(), "more than a day ahead: dated by a wrong clock, not gone on from");
            assertEquals(List.of(), log.messages);
            long ahead = Duration.ofMinutes(30).toMillis();
            SteadyClock.notBefore(clock, start + ahead, datedAhead);
            assertEquals(start + ahead, clock.millis());
            assertEquals(List.of("the history recorded so far ends 1800.0 s ahead of the system clock: the server's"
                    + " clock goes on from there at half pace until the system clock has caught up with it"),
                    log.messages);
            pass(Duration.ofMinutes(10));
            assertEquals(start + ahead + Duration.ofMinutes(5).toMillis(), clock.millis(), "half pace");
            pass(Duration.ofMinutes(50));
            assertEquals(wall.millis(), clock.millis(), "caught up, an hour on");
            assertEquals(1, log.messages.size(), "not said again as a step");
            SteadyClock.notBefore(wall, wall.millis() + ahead, datedAhead); // another clock: left as it is
        }
    }

    @Test
    void itNeverReadsLessThanBefore() {
        long last = clock.millis();
        long[] wallSteps = {5, -3_600_000, 7, -2, 60_000, -90_000, 0, 1, -1, 3_600_000, -40};
        for (int i = 0; i < 400; i++) {
            wall.advance(Duration.ofMillis(wallSteps[i % wallSteps.length]));
            monotonic.addAndGet((i % 7) * 1_000_000L);
            long now = clock.millis();
            assertEquals(true, now >= last, "reading " + i + ": " + now + " after " + last);
            last = now;
        }
    }

    @Test
    void aStepBackIsLoggedOnceAndNeverByTheQuietCopyTheLogReads() {
        try (LogCapture log = new LogCapture(SteadyClock.class)) {
            SteadyClock quiet = clock.quiet();
            pass(Duration.ofMinutes(1));
            long before = clock.millis();
            wall.advance(Duration.ofMinutes(-30));
            assertEquals(before, quiet.millis(), "the quiet copy does not go back either");
            assertEquals(List.of(), log.messages);
            clock.millis();
            assertEquals(List.of("the system clock went back 1800.0 s: the server's clock goes on at half pace until"
                    + " the system clock has caught up with it"), log.messages);
            pass(Duration.ofSeconds(5));
            wall.advance(Duration.ofMinutes(-1)); // another step while catching up: the same catch-up
            clock.millis();
            assertEquals(1, log.messages.size());
        }
    }

    @Test
    void aCopyInAnotherZoneSharesTheReadings() {
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertEquals(ZoneId.of("Europe/Paris"), paris.getZone());
        assertSame(clock, clock.withZone(wall.getZone()));
        pass(Duration.ofMinutes(1));
        wall.advance(Duration.ofHours(-1));
        long before = clock.millis();
        assertEquals(before, paris.millis(), "the step back is absorbed for both");
    }
}
