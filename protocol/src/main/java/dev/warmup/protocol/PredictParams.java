package dev.warmup.protocol;

/**
 * {@code warmup/predict} parameters; every field is optional.
 *
 * @param horizonSeconds how far ahead to predict (default: the engine's horizon)
 * @param limit          at most this many models (default: all)
 */
public record PredictParams(Integer horizonSeconds, Integer limit) {}
