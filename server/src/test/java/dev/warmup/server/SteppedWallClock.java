package dev.warmup.server;

import com.google.inject.Module;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A wall clock tests set back by hand under the server's {@link SteadyClock}, with the monotonic clock it is timed
 * by: {@link #module} binds the server's clock as production wires it, over these two.
 */
public final class SteppedWallClock {
    private final MutableClock wall;
    private final AtomicLong monotonic = new AtomicLong();

    public SteppedWallClock(Instant start) {
        this.wall = new MutableClock(start);
    }

    /** A module binding the server's clock: a fresh {@link SteadyClock} over this wall clock. */
    public Module module() {
        return binder -> binder.bind(Clock.class).toInstance(new SteadyClock(wall, monotonic::get));
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
