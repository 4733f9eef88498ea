package dev.warmup.protocol;

/**
 * {@code warmup/modelUsed}: an AI feature actually used a model (client-reported ground truth).
 *
 * @param at ISO-8601 instant of the use; null means "now" on the server's clock
 */
public record ModelUsedParams(String model, String task, String at, Long latencyMs, Boolean coldStart) {}
