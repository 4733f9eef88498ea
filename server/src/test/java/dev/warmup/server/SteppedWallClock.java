package dev.warmup.server;

import com.google.inject.Module;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A wall clock tests set back by hand, under the server's {@link SteadyClock} as production wires it, with the
 * monotonic clock that one is timed by.
 */
public final class SteppedWallClock {
    private final MutableClock wall;
    private final AtomicLong monotonic = new AtomicLong();
    private final SteadyClock steady;

    public SteppedWallClock(Instant start) {
        this.wall = new MutableClock(start);
        this.steady = new SteadyClock(wall, monotonic::get);
    }

    /** A module binding the server's clock to {@link #steady}. */
    public Module module() {
        return binder -> binder.bind(Clock.class).toInstance(steady);
    }

    /** The server's clock. */
    public SteadyClock steady() {
        return steady;
    }

    /** The system's clock, as other programs on the machine read it. */
    public MutableClock wall() {
        return wall;
    }

    /** Time passes: the wall clock and the monotonic clock move together. */
    public void pass(Duration d) {
        wall.advance(d);
        monotonic.addAndGet(d.toNanos());
    }

    /** The system clock is set back by {@code d}; no time passes. */
    public void setBack(Duration d) {
        wall.advance(d.negated());
    }
}
