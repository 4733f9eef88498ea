package dev.warmup.protocol;

/**
 * Uses on one day, as the store counted them when they were recorded.
 *
 * @param day  the local date (the server's time zone), {@code 2026-03-02}
 * @param uses the uses recorded on that day
 */
public record DailyUses(String day, long uses) {}
