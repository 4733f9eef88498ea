package dev.warmup.protocol;

import java.util.List;

/**
 * {@code warmup/status} result and {@code warmup/statusChanged} payload.
 *
 * @param state          {@code running} or {@code paused}
 * @param predictor      {@code heuristic} or {@code learned}
 * @param predictorNote  why the heuristic serves, with its WMP code (e.g. WMP-1003); null when learned
 * @param memoryBudgetMb the {@code maxMemoryMb} setting; {@code heldBack} says when the machine lowers it
 * @param heldBack       what holds warming back now, each a WMP message: system memory nearly exhausted (WMP-4001),
 *                       warm-ups waiting for a busy CPU (WMP-4004), a memory budget lowered below {@code maxMemoryMb}
 *                       because the machine has less available (WMP-4005); null when nothing does
 */
public record WarmupStatus(String version, String state, String predictor, String predictorNote,
                           List<ModelStatus> models, int memoryUsedMb, int memoryBudgetMb, int warmModels,
                           int maxWarmModels, boolean backgroundWarmupEnabled, List<String> heldBack) {}
