package dev.warmup.protocol;

/**
 * Uses on one day, as the store counted them when they were recorded.
 *
 * @param day  the UTC date, {@code 2026-03-02}
 * @param uses the uses recorded on that day
 */
public record DailyUses(String day, long uses) {}
