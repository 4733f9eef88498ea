package dev.warmup.protocol;

import java.util.List;

/**
 * Usage statistics of one model or task, or of all uses.
 *
 * @param hourHistogram uses per hour of day (24 bins, local time)
 * @param dayHistogram  uses per day of week (7 bins, Monday first)
 * @param successRate   share of reported uses that were warm hits (no cold start); null if none reported
 * @param recentUses    uses in the last {@code windowSeconds}
 * @param windowSeconds the {@code usageWindowSeconds} setting
 * @param ranking       for all uses only (else null): the tasks, most likely needed now first, by their uses decayed
 *                      with a {@code windowSeconds} time constant and weighted by their share at this hour of the
 *                      day and this day of the week
 * @param daily         uses by local day (the server's time zone when each use was recorded; servers before
 *                      2026-12 counted UTC days), oldest first, every day with a use since the store began: these
 *                      counts outlive the raw events, which are kept {@code historyDays} (the other fields are
 *                      computed from those)
 * @param complete      null when the statistics count every use recorded; {@code false} when the latest were still
 *                      waiting for a store that cannot be written now, and are not counted ({@code note} says so)
 * @param note          why the statistics are not complete, else null
 */
public record UsageStats(String key, long count, String lastUsed, long[] hourHistogram, long[] dayHistogram,
                         double meanSessionMinutes, Double successRate, long recentUses, int windowSeconds,
                         List<String> ranking, List<DailyUses> daily, Boolean complete, String note) {
    /** These statistics, said to be not complete for {@code why}. */
    public UsageStats incomplete(String why) {
        return new UsageStats(key, count, lastUsed, hourHistogram, dayHistogram, meanSessionMinutes, successRate,
                recentUses, windowSeconds, ranking, daily, false, why);
    }
}
