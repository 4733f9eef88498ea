package dev.warmup.server.errors;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Warnings that would repeat with every look while a condition lasts (a store that cannot be read, looked at every few
 * seconds): each message is said the first time, then at most once every {@value #REPEAT_MILLIS} ms while it repeats,
 * with how many times it was held back, which go to FINE meanwhile. {@link #clear} (the condition has passed) lets
 * each be said at once again. At most {@value #MAX_MESSAGES} messages are followed; past that they start afresh.
 * Thread-safe.
 */
public final class RepeatedWarnings {
    public static final long REPEAT_MILLIS = 60_000;
    static final int MAX_MESSAGES = 100;
    private final Logger log;
    private final LongSupplier clock;
    /** Each message followed: when it was last said, and how many times it was held back since. */
    private final Map<String, long[]> said = new HashMap<>();

    public RepeatedWarnings(Logger log, LongSupplier clock) {
        this.log = log;
        this.clock = clock;
    }

    /** Says {@code message} as a warning unless it was said less than {@value #REPEAT_MILLIS} ms ago. */
    public void warn(String message) {
        warn(message, null);
    }

    /** As {@link #warn(String)}, with {@code thrown}'s stack trace when it is said (null: none). */
    public void warn(String message, Throwable thrown) {
        String say;
        synchronized (this) {
            long now = clock.getAsLong();
            long[] last = said.get(message);
            if (last != null && now - last[0] < REPEAT_MILLIS) {
                last[1]++;
                say = null;
            } else {
                if (last == null && said.size() >= MAX_MESSAGES) {
                    said.clear();
                }
                say = last == null || last[1] == 0 ? message
                        : message + " (" + last[1] + " times more since it was last said)";
                said.put(message, new long[] {now, 0});
            }
        }
        if (say != null) {
            log.log(Level.WARNING, say, thrown);
        } else {
            log.fine(message);
        }
    }

    /** The condition has passed: each message is said at once when it comes again. */
    public synchronized void clear() {
        said.clear();
    }
}
