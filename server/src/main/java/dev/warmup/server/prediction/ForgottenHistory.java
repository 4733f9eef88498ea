package dev.warmup.server.prediction;

import dev.warmup.server.store.UsageStore;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * Whether the history this server's predictor learnt from was forgotten since, by a server using the same store
 * ({@code warmup.forgetHistory} in another editor window): the store records when. Asked before each save of the
 * trained model, and at events and scheduling ticks at most once every {@value #CHECK_MILLIS} ms. Used on the
 * predictor's thread.
 */
final class ForgottenHistory {
    private static final Logger LOG = Logger.getLogger(ForgottenHistory.class.getName());
    /** How often, at most, an event has the store asked. */
    static final long CHECK_MILLIS = 60_000;

    private final UsageStore store;
    private long known; // when it was forgotten, as of the last build
    private long checkedAt = -CHECK_MILLIS;

    ForgottenHistory(UsageStore store) {
        this.store = store;
    }

    /** A predictor is built from the store now: what it holds is what was recorded since the last forgetting. */
    void built() {
        read().ifPresent(at -> known = at);
    }

    /** When it was forgotten, if that is since the last build (at an event: only if a minute has passed). */
    OptionalLong since(long now, boolean atEvent) {
        if (atEvent) {
            if (now - checkedAt < CHECK_MILLIS) {
                return OptionalLong.empty();
            }
            checkedAt = now;
        }
        OptionalLong at = read();
        return at.isPresent() && at.getAsLong() != known ? at : OptionalLong.empty();
    }

    private OptionalLong read() {
        try {
            return OptionalLong.of(store.historyForgottenAt());
        } catch (SQLException e) {
            LOG.fine("reading when the history was forgotten: " + e.getMessage());
            return OptionalLong.empty();
        }
    }
}
