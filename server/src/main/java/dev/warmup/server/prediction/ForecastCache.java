package dev.warmup.server.prediction;

import java.util.List;
import java.util.Optional;

/**
 * The last forecast, reused while it holds: for the same horizon, with no event shown to the predictor and no rebuild
 * since ({@code changes} has not moved on), before the next context boundary ({@link LearnedPredictor#nextChange}),
 * and no older than {@code predictionCacheTtlSeconds}. Read from any thread, written on the predictor's.
 */
final class ForecastCache {
    /** A forecast made at {@code at}, true until {@code until} unless {@code changes} moves on. */
    private record Cached(int horizonSeconds, long changes, long at, long until, List<TaskForecast> forecast) {}

    private volatile Cached cached;

    /** The forecast for {@code horizonSeconds} that still holds at {@code now}, if one does. */
    Optional<List<TaskForecast>> get(int horizonSeconds, long changes, long now, long ttlMillis) {
        Cached c = cached;
        if (c != null && c.horizonSeconds() == horizonSeconds && c.changes() == changes && now >= c.at()
                && now < c.until() && now - c.at() < ttlMillis) {
            return Optional.of(c.forecast());
        }
        return Optional.empty();
    }

    /** Keeps {@code forecast}, made at {@code at} after {@code changes} changes and true until {@code until}. */
    void put(int horizonSeconds, long changes, long at, long until, List<TaskForecast> forecast) {
        cached = new Cached(horizonSeconds, changes, at, until, forecast);
    }
}
