package dev.warmup.protocol;

/**
 * One ranked prediction.
 *
 * @param confidence            how much the predictor trusts this figure (0..1; low with little history)
 * @param usageProbability      probability the model is needed within the horizon
 * @param timeUntilNeededSeconds estimated seconds until it is needed
 * @param reasoning             the features that drove it, in words
 */
public record ModelPrediction(String model, String task, double confidence, double usageProbability,
                              double timeUntilNeededSeconds, String reasoning) {}
