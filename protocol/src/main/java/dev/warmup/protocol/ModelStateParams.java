package dev.warmup.protocol;

/** {@code warmup/modelState}: the client or orchestrator reports what a load or unload did. */
public record ModelStateParams(String model, ModelState state, Long loadMs, Integer memoryMb, String error) {}
