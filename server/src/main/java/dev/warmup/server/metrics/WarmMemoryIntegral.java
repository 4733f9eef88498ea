package dev.warmup.server.metrics;

/** Integrates warm memory over time (MB·ms) from the moments the held total changes. Thread-safe. */
public final class WarmMemoryIntegral {
    private long lastAt = Long.MIN_VALUE;
    private long lastMb;
    private double mbMillis;

    /** The held total became {@code totalMb} at {@code atMillis}. */
    public synchronized void set(long totalMb, long atMillis) {
        advance(atMillis);
        lastMb = totalMb;
    }

    /** Counts from {@code atMillis} afresh (what was held before is forgotten), the held total as it is. */
    public synchronized void restart(long atMillis) {
        advance(atMillis);
        mbMillis = 0;
    }

    /** GB·h up to {@code atMillis}. */
    public synchronized double gbHours(long atMillis) {
        advance(atMillis);
        return mbMillis / 1024.0 / 3_600_000.0;
    }

    private void advance(long atMillis) {
        if (lastAt != Long.MIN_VALUE && atMillis > lastAt) {
            mbMillis += (double) lastMb * (atMillis - lastAt);
        }
        lastAt = Math.max(lastAt, atMillis);
    }
}
