package dev.warmup.protocol;

/**
 * One step of a warm-up schedule.
 *
 * @param action        {@code load}, {@code keep}, {@code unload}, or {@code handOver}: no longer wanted here, but
 *                      another running warm-up server (another editor window's) wants it, so it is left loaded, to
 *                      that server, instead of unloaded
 * @param startInSeconds when the step should start, from now
 * @param priority      {@code critical}, {@code high}, {@code medium} or {@code low}
 */
public record ScheduledWarmup(String model, String action, double startInSeconds, double expectedLoadSeconds,
                              int memoryMb, String priority) {}
