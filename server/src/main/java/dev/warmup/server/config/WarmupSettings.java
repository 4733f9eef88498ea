package dev.warmup.server.config;

import dev.warmup.protocol.ModelSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The validated, effective configuration (settings section {@code warmup}). Immutable. */
public record WarmupSettings(int maxWarmModels, int maxMemoryMb, double maxCpuPercent, double predictionThreshold,
                             int usageWindowSeconds, int maxQueueSize, int warmupTimeoutSeconds,
                             double performanceImpactThreshold, double learningRate, boolean backgroundWarmupEnabled,
                             int predictionCacheTtlSeconds, int historyDays, int maxConcurrentLoads,
                             List<ModelSpec> models, Map<String, BackendSpec> backends) {

    public static WarmupSettings defaults() {
        return new WarmupSettings(5, 2048, 30.0, 0.7, 3600, 100, 30, 0.1, 0.1, true, 300, 30, 1, List.of(), Map.of());
    }

    /** The catalogue's entry for {@code id}. */
    public Optional<ModelSpec> model(String id) {
        return models.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    public WarmupSettings withModels(List<ModelSpec> newModels) {
        return new WarmupSettings(maxWarmModels, maxMemoryMb, maxCpuPercent, predictionThreshold, usageWindowSeconds,
                maxQueueSize, warmupTimeoutSeconds, performanceImpactThreshold, learningRate, backgroundWarmupEnabled,
                predictionCacheTtlSeconds, historyDays, maxConcurrentLoads, List.copyOf(newModels), backends);
    }

    public WarmupSettings withBackgroundWarmup(boolean enabled) {
        return new WarmupSettings(maxWarmModels, maxMemoryMb, maxCpuPercent, predictionThreshold, usageWindowSeconds,
                maxQueueSize, warmupTimeoutSeconds, performanceImpactThreshold, learningRate, enabled,
                predictionCacheTtlSeconds, historyDays, maxConcurrentLoads, models, backends);
    }
}
