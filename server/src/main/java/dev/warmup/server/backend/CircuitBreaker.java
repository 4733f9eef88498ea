package dev.warmup.server.backend;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.time.Clock;

/**
 * One per endpoint: closed while calls succeed; after {@code threshold} consecutive failures it opens and refuses
 * calls (WMP-8005) for {@code coolDownMillis}; then it lets one trial call through (half-open): success closes it,
 * failure opens it again. Its WMP-8005 says why the last call failed. Time comes from the injected clock.
 */
public final class CircuitBreaker {
    /** The breaker's state. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final String endpoint;
    private final Clock clock;
    private final int threshold;
    private final long coolDownMillis;
    private int failures;
    private String lastFailure = "";
    private long openedAt;
    private State state = State.CLOSED;
    private boolean trialInFlight;

    public CircuitBreaker(String endpoint, Clock clock, int threshold, long coolDownMillis) {
        this.endpoint = endpoint;
        this.clock = clock;
        this.threshold = threshold;
        this.coolDownMillis = coolDownMillis;
    }

    /** Throws WMP-8005 when the call must not be made now. */
    public synchronized void acquire() {
        if (state == State.OPEN && clock.millis() - openedAt >= coolDownMillis) {
            state = State.HALF_OPEN;
            trialInFlight = false;
        }
        if (state == State.OPEN || state == State.HALF_OPEN && trialInFlight) {
            throw new WarmupException(ErrorCode.WMP_8005, endpoint + " failed " + failures
                    + " times in a row (the last: " + lastFailure + "); retrying after " + coolDownMillis / 1000 + " s");
        }
        if (state == State.HALF_OPEN) {
            trialInFlight = true;
        }
    }

    public synchronized void success() {
        failures = 0;
        state = State.CLOSED;
        trialInFlight = false;
    }

    /** A call failed, {@code why} in words ({@code connection refused}, {@code HTTP 503 ...}). */
    public synchronized void failure(String why) {
        lastFailure = why;
        failures++;
        if (state == State.HALF_OPEN || failures >= threshold) {
            state = State.OPEN;
            openedAt = clock.millis();
            trialInFlight = false;
        }
    }

    public synchronized State state() {
        if (state == State.OPEN && clock.millis() - openedAt >= coolDownMillis) {
            return State.HALF_OPEN;
        }
        return state;
    }
}
