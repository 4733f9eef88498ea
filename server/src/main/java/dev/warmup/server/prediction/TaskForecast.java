package dev.warmup.server.prediction;

import java.util.List;

/**
 * How likely a task is to be requested within a horizon.
 *
 * @param task               the task ({@code completion}, {@code chat}, ...)
 * @param probability        probability of at least one request within the horizon, in [0, 1]
 * @param secondsUntilNeeded estimated seconds until the next request (a point estimate, may exceed the horizon)
 * @param confidence         how much the estimate can be trusted, in [0, 1] (little history: low)
 * @param reasons            the features that drove the estimate, in words, most important first
 */
public record TaskForecast(String task, double probability, double secondsUntilNeeded, double confidence,
                           List<String> reasons) {}
