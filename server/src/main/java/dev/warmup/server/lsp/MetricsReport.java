package dev.warmup.server.lsp;

import com.google.gson.JsonObject;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.resources.ResourceManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * What {@code warmup/metrics} and the {@code warmup.metrics} command answer: the metrics, and the machine as the
 * ResourceManager last read it ({@code machine}; left out before its first reading).
 */
@Singleton
public final class MetricsReport {
    private final ModelWarmupMetrics metrics;
    private final ResourceManager resources;

    @Inject
    public MetricsReport(ModelWarmupMetrics metrics, ResourceManager resources) {
        this.metrics = metrics;
        this.resources = resources;
    }

    public JsonObject toJson() {
        JsonObject o = metrics.toJson();
        resources.toJson().ifPresent(m -> o.add("machine", m));
        return o;
    }
}
