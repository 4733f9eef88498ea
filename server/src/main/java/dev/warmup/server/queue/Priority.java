package dev.warmup.server.queue;

/** How urgent a warm-up is: an explicit request is critical; predictions rank by expected value. */
public enum Priority {
    CRITICAL, HIGH, MEDIUM, LOW;

    /** Base rank: higher is more urgent. */
    int rank() {
        return values().length - 1 - ordinal();
    }
}
