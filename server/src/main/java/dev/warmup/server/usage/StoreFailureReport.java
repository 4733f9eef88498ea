package dev.warmup.server.usage;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.RepeatedWarnings;
import dev.warmup.server.errors.WarmupException;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the event pipeline says of a store it cannot write (a full disk), retried every second: the first failure as a
 * warning (WMP-7002, which the editor is shown), then each retry at FINE and a warning again at most once every
 * {@value RepeatedWarnings#REPEAT_MILLIS} ms (as any repeated warning) while it lasts, with how long and how many
 * events wait (which is why it is not a {@link RepeatedWarnings}: its message changes), and when the store takes
 * events again. Used on the pipeline's thread only.
 */
final class StoreFailureReport {
    private final Logger log;
    private final LongSupplier clock;
    private long since = -1;
    private long warnedAt;
    private int retries;

    StoreFailureReport(Logger log, LongSupplier clock) {
        this.log = log;
        this.clock = clock;
    }

    /** A write failed with {@code cause}; {@code waiting} counts the events that wait in memory for the store. */
    void failed(String cause, IntSupplier waiting) {
        long now = clock.getAsLong();
        if (since < 0) {
            since = now;
            warnedAt = now;
            retries = 0;
            log.warning(new WarmupException(ErrorCode.WMP_7002, cause).getMessage());
            return;
        }
        retries++;
        if (now - warnedAt >= RepeatedWarnings.REPEAT_MILLIS) {
            warnedAt = now;
            log.warning(new WarmupException(ErrorCode.WMP_7002, "still, after " + (now - since) / 1000 + " s and "
                    + retries + " retries: " + cause + "; " + waiting.getAsInt() + " usage events wait in memory")
                    .getMessage());
        } else if (log.isLoggable(Level.FINE)) {
            log.fine("the usage store failed again: " + cause);
        }
    }

    /** A write succeeded: if the store had been failing, says it takes events again. */
    void written() {
        if (since >= 0) {
            log.info("the usage store takes events again after " + (clock.getAsLong() - since) / 1000 + " s and "
                    + retries + " retries");
            since = -1;
        }
    }
}
