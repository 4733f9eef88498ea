package dev.warmup.server.replay;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;

/**
 * One user's events, time-ordered, in compact arrays (the full Blaze split is two million events).
 *
 * @param user     the user's id in the trace
 * @param times    epoch milliseconds, non-decreasing
 * @param details  index of each event's name in {@link Trace#details()}
 * @param tasks    the task each event requests (index into {@link Trace#tasks()}), or -1 for context events
 */
public record UserTrace(String user, long[] times, int[] details, byte[] tasks) {
    public int size() { return times.length; }

    /** The event at {@code i} as the predictor sees it, live or replayed. */
    public UsageEvent event(int i, Trace trace) {
        int task = tasks[i];
        return UsageEvent.simple(times[i], EventKind.TRACE, trace.details()[details[i]],
                task < 0 ? null : trace.tasks().get(task));
    }
}
