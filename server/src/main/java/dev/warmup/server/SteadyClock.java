package dev.warmup.server;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The server's clock: the system's wall clock, except that it never steps back. The server times most things as a
 * difference of this clock's readings (a model's half minute in use and its grace before an unload, the predictor's
 * idle times, a backend's cool-down, a queued warm-up's aging) and keeps the times of past events. When the system
 * clock is stepped back (set by hand, or put right by NTP after a start with the hardware clock in local time), those
 * times would lie ahead of "now" for as long as the step: the models used before it stayed in use, and the live
 * predictor, which learns on one forward timeline, left every event to the next rebuild, an hour's step an hour of
 * standing still. So a step back is absorbed: this clock goes on at half the pace of the monotonic clock
 * ({@link System#nanoTime}) until the wall clock has caught up with it (an hour's step in two), then follows the wall
 * clock again. A step forward, and a machine waking from sleep (its monotonic clock stood still while the wall clock
 * went on), is followed at once: the time really passed, or will be taken for passed by everything else. Steps back
 * under {@value #FOLLOWED_NANOS} ns (NTP's corrections in the main) are waited out instead. Thread-safe.
 */
public final class SteadyClock extends Clock {
    /** A step back shorter than this is waited out; a longer one is caught up with at half pace. */
    static final long FOLLOWED_NANOS = 10_000_000;

    /** How far ahead of the system clock a history may end and still be gone on from ({@link #notBefore}). */
    static final long HISTORY_LEAD_MILLIS = 24 * 3_600_000L;

    private static final Logger LOG = Logger.getLogger(SteadyClock.class.getName());
    private static final SteadyClock SYSTEM = new SteadyClock(Clock.systemDefaultZone(), System::nanoTime);

    private final Ticks ticks;
    private final ZoneId zone;
    private final boolean says; // whether a reading that sees a step back logs it

    /** Over {@code wall}, timed between readings by {@code monotonicNanos} (tests give both). */
    public SteadyClock(Clock wall, LongSupplier monotonicNanos) {
        this(new Ticks(wall, monotonicNanos), wall.getZone(), true);
    }

    private SteadyClock(Ticks ticks, ZoneId zone, boolean says) {
        this.ticks = ticks;
        this.zone = zone;
        this.says = says;
    }

    /** The one over the system's clock, in the default time zone, that the server and its log share. */
    public static SteadyClock system() {
        return SYSTEM;
    }

    @Override
    public long millis() {
        return Math.floorDiv(read(), 1_000_000L);
    }

    @Override
    public Instant instant() {
        long n = read();
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same clock (it shares its readings) in {@code zone}. */
    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(this.zone) ? this : new SteadyClock(ticks, zone, says);
    }

    /**
     * The same clock, whose readings never log a step back (they leave it to this one's): for the log's own handler,
     * which a log record written from inside it would re-enter mid-way.
     */
    public SteadyClock quiet() {
        return new SteadyClock(ticks, zone, false);
    }

    /**
     * {@code wallMillis}, an instant a client read off the system clock just now (its date of a use), on {@code clock}:
     * as it is, but while a {@link SteadyClock} catches up after a step back, moved on by how far that clock is ahead,
     * so that it compares with the server's own readings as it compared before the step. (Not for an instant read
     * earlier, before a step, nor for one compared with itself over time, as a model server's expiry is: the lead
     * shrinks as the clock catches up, and an expiry moved by it looked renewed at every look.) Other clocks (the
     * tests') read the system clock as it is.
     */
    public static long fromSystemClock(Clock clock, long wallMillis) {
        long lead = leadOf(clock);
        return wallMillis > Long.MAX_VALUE - lead ? Long.MAX_VALUE : wallMillis + lead; // a date far off stays far off
    }

    /**
     * Starts {@code clock} no earlier than {@code latestMillis}, the time of the latest event in the history, when that
     * lies ahead of the system clock by more than {@code datedAheadMillis} (how far ahead a client may date a use it
     * reports, and so the store hold one with no step at all) and no more than {@value #HISTORY_LEAD_MILLIS} ms: a
     * server started while another window's (or its own last run) was catching up after a step back goes on from where
     * that clock was, and catches up the same way, instead of recording behind the events just recorded (which its
     * rebuilds, reading the store up to their start, left out). A history further ahead was dated by a clock that was
     * wrong and has been put right since: the system's is followed. Other clocks (the tests') are left as they are.
     */
    public static void notBefore(Clock clock, long latestMillis, long datedAheadMillis) {
        if (clock instanceof SteadyClock s) {
            long ahead = s.ticks.notBefore(latestMillis, datedAheadMillis, HISTORY_LEAD_MILLIS);
            if (ahead > 0) {
                LOG.info(String.format(Locale.ROOT, "the history recorded so far ends %.1f s ahead of the system clock:"
                        + " the server's clock goes on from there at half pace until the system clock has caught up"
                        + " with it", ahead / 1e3));
            }
        }
    }

    /**
     * How long, on the monotonic clock, until {@code clock} has gone on {@code millis} more: as long, but while a
     * {@link SteadyClock} catches up after a step back, longer, as it goes on at half pace until the wall clock is back
     * with it (a wait of its 20 s then takes 40 s; one scheduled for 20 s found 10 left, then 5, and so on).
     */
    public static long realMillis(Clock clock, long millis) {
        long lead = leadOf(clock);
        return millis <= 0 ? millis : millis + Math.min(millis, lead); // half pace over the lead, full pace after it
    }

    /** How far {@code clock} is ahead of the system clock: a {@link SteadyClock}'s lead, 0 for any other. */
    private static long leadOf(Clock clock) {
        return clock instanceof SteadyClock s ? s.aheadMillis() : 0;
    }

    /** How far this clock is ahead of the wall clock it follows, in milliseconds: 0 but while it catches up. */
    long aheadMillis() {
        long n = read(); // first: a reading taken after the wall clock's would count its elapsed time as a lead
        return Math.max(0, Math.floorDiv(n, 1_000_000L) - ticks.wall.millis());
    }

    /** A reading; a step back seen by it (or by a quiet copy) is logged once it is taken (the log reads it too). */
    private long read() {
        long n = ticks.nanos();
        long step = says ? ticks.takeStep() : 0;
        if (step > 0) {
            LOG.info(String.format(Locale.ROOT, "the system clock went back %.1f s: the server's clock goes on at half"
                    + " pace until the system clock has caught up with it", step / 1e9));
        }
        return n;
    }

    /** The readings, shared by a clock and its copies in other zones. */
    private static final class Ticks {
        private final Clock wall;
        private final LongSupplier monotonic;
        private long lastMonotonic;
        private long now; // nanoseconds since the epoch
        private boolean behind; // the wall clock is behind: catching up
        private long step; // a step back seen and not yet taken

        Ticks(Clock wall, LongSupplier monotonic) {
            this.wall = wall;
            this.monotonic = monotonic;
            this.lastMonotonic = monotonic.getAsLong();
            this.now = Math.multiplyExact(wall.millis(), 1_000_000L);
        }

        synchronized long nanos() {
            long m = monotonic.getAsLong();
            long elapsed = Math.max(0, m - lastMonotonic);
            lastMonotonic = m;
            long w = wall.millis() * 1_000_000L;
            if (now + elapsed <= w + FOLLOWED_NANOS) {
                now = Math.max(now, w); // in step (or ahead: slept, or set forward), or a small step back waited out
                behind = false;
            } else {
                if (!behind) {
                    step = now + elapsed - w;
                    behind = true;
                }
                now = Math.max(w, now + elapsed / 2); // stepped back: half pace until the wall clock catches up
            }
            return now;
        }

        /**
         * Moves this clock on to {@code millis} when that is ahead of it, and of the wall clock by more than
         * {@code minLeadMillis} and at most {@code maxLeadMillis}, catching up from there; returns how far ahead of the
         * wall clock that is (0: not moved).
         */
        synchronized long notBefore(long millis, long minLeadMillis, long maxLeadMillis) {
            nanos();
            long wallMillis = wall.millis();
            long lead = millis - wallMillis;
            if (millis > Math.floorDiv(now, 1_000_000L) && lead > minLeadMillis && lead <= maxLeadMillis) {
                now = Math.multiplyExact(millis, 1_000_000L);
                behind = true; // said by the caller, not as a step
                return lead;
            }
            return 0;
        }

        /** The step back seen since the last call, in nanoseconds; 0 when none. */
        synchronized long takeStep() {
            long s = step;
            step = 0;
            return s;
        }
    }
}
