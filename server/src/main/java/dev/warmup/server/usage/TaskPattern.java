package dev.warmup.server.usage;

/**
 * How a task (or model) has been used, ranked by {@link #score}.
 *
 * @param task        the task
 * @param uses        requests in the history
 * @param lastUse     epoch ms of the last request (Long.MIN_VALUE: never)
 * @param hourShare   share of its uses that fell in the current hour of the day
 * @param dayShare    share of its uses that fell on the current day of the week
 * @param recency     exponentially decayed count of uses (time constant: {@code usageWindowSeconds})
 * @param score       recency × (1 + hourShare + dayShare): the fallback ranking
 */
public record TaskPattern(String task, long uses, long lastUse, double hourShare, double dayShare, double recency,
                          double score) {}
