package dev.warmup.protocol;

/** The estimated cost of running a schedule on the developer's machine. */
public record PerformanceImpact(double cpuImpactPercent, double memoryImpactMb, double networkImpactMbps,
                                double latencyIncreaseMs, double responsivenessImpact, boolean isAcceptable) {}
