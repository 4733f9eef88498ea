package dev.warmup.protocol;

/**
 * {@code warmup/load} (server to client): please load this model.
 *
 * @param reason              why, in words (the prediction's reasoning)
 * @param confidence          probability that the model is needed within the horizon
 * @param neededInSeconds     estimated time until it is needed; null if unknown
 */
public record LoadParams(String model, String reason, Double confidence, Double neededInSeconds) {}
