package dev.warmup.protocol;

/**
 * What the server knows of one catalogue model.
 *
 * @param state       {@code unloaded}, {@code loading}, {@code warm} or {@code failed}
 * @param probability predicted probability of use within the horizon, null if not predicted
 * @param lastUsed    ISO-8601 instant of the last reported use, null if never
 */
public record ModelStatus(String id, String state, Integer memoryMb, Double probability, String lastUsed,
                          String backend) {}
