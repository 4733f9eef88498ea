package dev.warmup.protocol;

/** {@code warmup/usageStats} parameters: a model id or a task (one of them; both null means all tasks). */
public record UsageStatsParams(String model, String task) {}
