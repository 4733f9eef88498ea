package dev.warmup.server.prediction;

import dev.warmup.server.usage.UsageEvent;
import java.util.List;

/**
 * Forecasts which tasks will be requested soon, from the events seen so far. The live server and the replay tool
 * drive the same implementations: events go in through {@link #observe} in time order (test-then-train: an
 * implementation may only use what it has been shown), forecasts come out of {@link #forecast}.
 */
public interface Predictor {
    /** A short name for status and reports, e.g. {@code heuristic} or {@code xgboost}. */
    String name();

    /** True once the forecasts come from a learned model rather than the fallback heuristic. */
    boolean learned();

    /** Shows one event (in time order; requests are events whose {@link UsageEvent#task()} is set). */
    void observe(UsageEvent event);

    /**
     * Forecasts for every known task at {@code nowMillis} (not before the last observed event) over the next
     * {@code horizonSeconds}, most likely first.
     */
    List<TaskForecast> forecast(long nowMillis, int horizonSeconds);

    /**
     * The forecasts as they will stand at {@code atMillis} (not before {@code nowMillis}) if nothing happens until
     * then: what a load started now faces once it has finished. By default, the forecast at {@code nowMillis}.
     */
    default List<TaskForecast> forecastAt(long nowMillis, long atMillis, int horizonSeconds) {
        return forecast(nowMillis, horizonSeconds);
    }

    /**
     * Expected further requests of {@code task} within {@code seconds} of the first request of a burst: if that
     * request finds its model unloaded, these arrive while it loads and are cold starts too. By default none.
     */
    default double followers(String task, double seconds) {
        return 0;
    }
}
