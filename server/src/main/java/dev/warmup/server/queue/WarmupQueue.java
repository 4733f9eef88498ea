package dev.warmup.server.queue;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Pending warm-ups, at most one per model, bounded. The next entry is the one with the highest effective priority:
 * its priority's rank plus one rank per {@code agingMillis} it has waited, so a low-priority entry cannot starve
 * behind a stream of newer high-priority ones (ties: the oldest first). A newer request for a queued model updates
 * its entry (keeping the higher priority and the original enqueue time). When full, the entry with the lowest
 * effective priority is shed (WMP-5001), which may be the newcomer itself. Thread-safe.
 */
public final class WarmupQueue {
    /** One pending warm-up. */
    public record Entry(String model, Priority priority, long enqueuedAt, String reason) {}

    /** What {@link #offer} did. */
    public record Offer(boolean queued, Optional<Entry> shed, Optional<WarmupException> warning) {}

    private final Clock clock;
    private final long agingMillis;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private int capacity;
    private long shedCount;

    public WarmupQueue(Clock clock, int capacity, long agingMillis) {
        this.clock = clock;
        this.capacity = capacity;
        this.agingMillis = agingMillis;
    }

    /**
     * Sets the capacity ({@code maxQueueSize} changed); a lowered one sheds the entries of lowest effective priority
     * that no longer fit, returned with a WMP-5001 warning each.
     */
    public synchronized List<Offer> resize(int newCapacity) {
        capacity = newCapacity;
        List<Offer> shed = new ArrayList<>();
        while (entries.size() > capacity) {
            shed.add(shed(lowest().orElseThrow(), false, "queue resized to " + capacity + " (maxQueueSize)"));
        }
        return shed;
    }

    public synchronized Offer offer(String model, Priority priority, String reason) {
        long now = clock.millis();
        Entry old = entries.get(model);
        if (old != null) {
            Priority p = priority.rank() > old.priority().rank() ? priority : old.priority();
            entries.put(model, new Entry(model, p, old.enqueuedAt(), reason));
            return new Offer(true, Optional.empty(), Optional.empty());
        }
        Entry fresh = new Entry(model, priority, now, reason);
        if (entries.size() < capacity) {
            entries.put(model, fresh);
            return new Offer(true, Optional.empty(), Optional.empty());
        }
        Entry lowest = lowest().orElseThrow();
        Entry victim = effective(lowest, now) < effective(fresh, now) ? lowest : fresh;
        Offer shed = shed(victim, victim != fresh, "queue of " + capacity + " full");
        if (victim != fresh) {
            entries.put(model, fresh);
        }
        return shed;
    }

    /** Removes and returns the most urgent entry. */
    public synchronized Optional<Entry> poll() {
        return poll(e -> true);
    }

    /** Removes and returns the most urgent entry of those {@code startable} takes; the others stay queued. */
    public synchronized Optional<Entry> poll(Predicate<Entry> startable) {
        long now = clock.millis();
        Entry best = null;
        for (Entry e : entries.values()) {
            if (!startable.test(e)) {
                continue;
            }
            if (best == null || effective(e, now) > effective(best, now)
                    || effective(e, now) == effective(best, now) && e.enqueuedAt() < best.enqueuedAt()) {
                best = e;
            }
        }
        if (best != null) {
            entries.remove(best.model());
        }
        return Optional.ofNullable(best);
    }

    /** Withdraws a model's pending warm-up (its prediction was withdrawn); true if there was one. */
    public synchronized boolean cancel(String model) {
        return entries.remove(model) != null;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long shed() {
        return shedCount;
    }

    public synchronized List<Entry> snapshot() {
        return new ArrayList<>(entries.values());
    }

    /** Sheds {@code victim} (queued or not): counts it and says so with WMP-5001, {@code why} first. */
    private Offer shed(Entry victim, boolean newcomerQueued, String why) {
        entries.remove(victim.model());
        shedCount++;
        return new Offer(newcomerQueued, Optional.of(victim), Optional.of(new WarmupException(ErrorCode.WMP_5001,
                why + "; shed " + victim.model() + " (" + victim.priority() + ")")));
    }

    private Optional<Entry> lowest() {
        long now = clock.millis();
        Entry worst = null;
        for (Entry e : entries.values()) {
            if (worst == null || effective(e, now) < effective(worst, now)
                    || effective(e, now) == effective(worst, now) && e.enqueuedAt() > worst.enqueuedAt()) {
                worst = e;
            }
        }
        return Optional.ofNullable(worst);
    }

    private double effective(Entry e, long now) {
        return e.priority().rank() + (double) (now - e.enqueuedAt()) / agingMillis;
    }
}
