package dev.warmup.server.prediction;

import dev.warmup.server.usage.UsageEvent;

/**
 * The live predictor's one forward timeline. Reports do not arrive in the order their uses happened: an orchestrator
 * reports a use once the generation is done, dated when it began, after editor events that came in between, and
 * another machine's clock may date it a little ahead. The predictor learns online and cannot go back, and booking
 * an event back in time counted the time since then twice, so each event is placed no earlier than the last one
 * placed and no later than its arrival: a use reported a few seconds late is learnt as of its arrival. One dated
 * before events already placed and more than {@link #MAX_LATE_MILLIS} before its arrival would be taken for a fresh
 * use, so the live predictor does not see it; the store keeps its true time, and the next rebuild, which replays the
 * history in time order, learns it in its place. (A late one that comes after everything placed is in order: kept.)
 * Not thread-safe: the predictor's thread owns it.
 */
final class LiveTimeline {
    /** How late a report may be and still be learnt live, as of its arrival. */
    static final long MAX_LATE_MILLIS = 60_000;

    private long last = Long.MIN_VALUE;

    /**
     * {@code e} as the predictor should see it, arriving at {@code now}: as it is when it is in order, else re-dated
     * to the nearest instant that is; null when it is too late to be learnt live.
     */
    UsageEvent place(UsageEvent e, long now) {
        long arrival = Math.max(last, now);
        if (e.at() < arrival - MAX_LATE_MILLIS && e.at() < last) {
            return null;
        }
        long t = Math.max(last, Math.min(e.at(), now));
        last = t;
        return t == e.at() ? e : e.withAt(t);
    }
}
