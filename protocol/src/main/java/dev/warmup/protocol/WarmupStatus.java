package dev.warmup.protocol;

import java.util.List;

/**
 * {@code warmup/status} result and {@code warmup/statusChanged} payload.
 *
 * @param state        {@code running} or {@code paused}
 * @param predictor    {@code heuristic} or {@code learned}
 * @param predictorNote why the heuristic serves, with its WMP code (e.g. WMP-1003); null when learned
 */
public record WarmupStatus(String version, String state, String predictor, String predictorNote,
                           List<ModelStatus> models, int memoryUsedMb, int memoryBudgetMb, int warmModels,
                           int maxWarmModels, boolean backgroundWarmupEnabled) {}
