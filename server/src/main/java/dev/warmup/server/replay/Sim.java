package dev.warmup.server.replay;

/**
 * What a policy sees of, and does to, the simulated machine of one user: the clock, the catalogue, each model's
 * residency, and actions. Everything here is the present or the past.
 */
public interface Sim {
    /** What a timer does when due; at one instant unloads run before pre-warms, pre-warms before wake-ups. */
    enum Action { UNLOAD, PRELOAD, WAKE }

    /** Current simulated time, epoch milliseconds. */
    long now();

    Catalog catalog();

    long budgetMb();

    int maxWarm();

    /** Loaded and ready. */
    boolean isWarm(int model);

    /** Load started, not complete. */
    boolean isLoading(int model);

    /** Warm or loading (holding memory). */
    default boolean isResident(int model) {
        return isWarm(model) || isLoading(model);
    }

    /** When the current load started (only meaningful while resident). */
    long loadStart(int model);

    /** Requests served since the model was last loaded. */
    int requestsSinceLoad(int model);

    /** The last request to the model, or its load start if it served none since loading (EVALUATION.md §7.4). */
    long recency(int model);

    /** Memory held by warm and loading models. */
    long usedMb();

    /** Starts a pre-warm now (evicting to fit); nothing happens if the model is already resident. */
    void load(int model);

    /**
     * Unloads the model at once, or, when requests are waiting on its load, when that load completes (rule 5);
     * returns the handle of that deferred unload (cancel it with {@link #cancel}), or -1 when done at once.
     */
    long unload(int model);

    /** Schedules an action at {@code atMillis} (not before now); returns its handle. */
    long schedule(long atMillis, int model, Action action, long tag);

    /** Cancels a scheduled action (no effect if it already ran or the handle is -1). */
    void cancel(long handle);
}
