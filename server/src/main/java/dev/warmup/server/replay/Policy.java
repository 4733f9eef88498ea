package dev.warmup.server.replay;

import dev.warmup.server.usage.UsageEvent;

/**
 * A warm-up policy as the replay engine drives it (one of the simulator's three small interfaces). A fresh instance
 * simulates each user from nothing. The engine serves every request itself (hit, wait or load, EVALUATION.md §3);
 * the policy then hears of it and of every event, and acts through the {@link Sim}: pre-warm loads, unloads and
 * timed actions. A policy sees only the past: the engine hands it events after they happened and offers no way to
 * read ahead ({@link Clairvoyant} is the one exception, for the bounds: the oracles and the hindsight predictor).
 */
public interface Policy {
    /** The user's timeline starts (before the first event). */
    default void start(Sim sim) {}

    /** A request for {@code model} at {@code sim.now()} was just served (after any eviction and load it caused). */
    default void onRequest(Sim sim, int model, boolean hit) {}

    /** Every event of the user, requests included, in time order, after the engine has handled it. */
    default void onEvent(Sim sim, UsageEvent event) {}

    /** A {@link Sim.Action#WAKE} timer this policy set is due. */
    default void onWake(Sim sim, int model, long tag) {}

    /**
     * The eviction order: models with the lowest rank are evicted first; ties go to the least recently used
     * (EVALUATION.md §7.4). The default ranks by recency alone (LRU).
     */
    default double evictionRank(Sim sim, int model) {
        return sim.recency(model);
    }

    /** {@code model} was evicted to make room (not unloaded by this policy). */
    default void onEvicted(Sim sim, int model) {}
}
