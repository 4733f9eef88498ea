package dev.warmup.protocol;

import java.util.List;

/** The catalogue after {@code warmup/registerModels}. */
public record RegisterModelsResult(List<String> models) {}
