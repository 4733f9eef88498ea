package dev.warmup.protocol;

/** {@code warmup/unload} (server to client): please unload this model. */
public record UnloadParams(String model, String reason) {}
