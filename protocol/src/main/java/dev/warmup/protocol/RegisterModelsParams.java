package dev.warmup.protocol;

import java.util.List;

/** {@code warmup/registerModels}: add or replace catalogue entries; {@code replace} drops the others. */
public record RegisterModelsParams(List<ModelSpec> models, Boolean replace) {}
