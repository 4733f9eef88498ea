package dev.warmup.protocol;

import java.util.List;

/** The steps the scheduler intends to take, their total time and the peak memory they need. */
public record WarmupSchedule(List<ScheduledWarmup> tasks, double totalEstimatedSeconds, int peakMemoryMb,
                             String priority) {}
