package dev.warmup.protocol;

import java.util.List;

/** {@code warmup/predict} result. */
public record WarmupPrediction(List<ModelPrediction> predictions, WarmupSchedule schedule,
                               PerformanceImpact performanceImpact, double overallConfidence, String predictor,
                               String generatedAt) {}
