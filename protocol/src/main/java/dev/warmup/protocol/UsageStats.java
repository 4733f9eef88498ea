package dev.warmup.protocol;

/**
 * Usage statistics of one model or task.
 *
 * @param hourHistogram uses per hour of day (24 bins, local time)
 * @param dayHistogram  uses per day of week (7 bins, Monday first)
 * @param successRate   share of reported uses that were warm hits (no cold start); null if none reported
 */
public record UsageStats(String key, long count, String lastUsed, long[] hourHistogram, long[] dayHistogram,
                         double meanSessionMinutes, Double successRate) {}
