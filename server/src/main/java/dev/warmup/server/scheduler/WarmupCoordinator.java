package dev.warmup.server.scheduler;

import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.ModelState;
import dev.warmup.protocol.ModelStateParams;
import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.WarmupPrediction;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.Version;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.lsp.ClientNotifier;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Ties the warming side together for the protocol layer: status, ground-truth reports and configuration changes. */
@Singleton
public final class WarmupCoordinator implements WarmupController {
    private final ConfigurationManager config;
    private final ModelStates states;
    private final ModelWarmupMetrics metrics;
    private final ClientNotifier client;
    private final Clock clock;

    @Inject
    public WarmupCoordinator(ConfigurationManager config, ModelStates states, ModelWarmupMetrics metrics,
                             ClientNotifier client, Clock clock) {
        this.config = config;
        this.states = states;
        this.metrics = metrics;
        this.client = client;
        this.clock = clock;
    }

    @Override
    public WarmupStatus status() {
        WarmupSettings s = config.current();
        List<ModelStatus> models = new ArrayList<>();
        for (ModelSpec m : s.models()) {
            ModelStates.Entry e = states.get(m.id());
            models.add(new ModelStatus(m.id(), e.state().name(), e.memoryMb() > 0 ? e.memoryMb() : m.memoryMb(), null,
                    e.lastUsedMillis() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(e.lastUsedMillis()).toString(),
                    m.backend() == null ? "client" : m.backend()));
        }
        return new WarmupStatus(Version.get(), config.paused() ? "paused" : "running", "heuristic",
                new WarmupException(ErrorCode.WMP_1003, "no learned model yet").getMessage(), models,
                states.heldMb(), s.maxMemoryMb(), (int) states.warmCount(), s.maxWarmModels(),
                config.backgroundWarmupActive());
    }

    @Override
    public WarmupPrediction predict(PredictParams params) {
        throw new WarmupException(ErrorCode.WMP_1003, "the predictor is not wired into the server yet");
    }

    @Override
    public void modelUsed(ModelUsedParams params) {
        int mem = config.current().models().stream().filter(m -> m.id().equals(params.model())).findFirst()
                .map(ModelSpec::memoryMb).orElse(0);
        boolean hit = states.used(params.model(), clock.millis(), mem);
        boolean reportedCold = Boolean.TRUE.equals(params.coldStart());
        if (hit && !reportedCold) {
            metrics.hit();
        } else {
            metrics.miss();
        }
        metrics.warmMemoryMb(states.heldMb());
        client.statusChanged(status());
    }

    @Override
    public void modelState(ModelStateParams params) {
        int mem = params.memoryMb() == null ? 0 : params.memoryMb();
        switch (params.state()) {
            case loading -> states.loading(params.model(), mem, clock.millis());
            case ready -> states.warm(params.model(), mem);
            case failed -> states.failed(params.model(), params.error());
            case unloaded -> states.unloaded(params.model());
        }
        metrics.warmMemoryMb(states.heldMb());
        if (params.state() != ModelState.loading) {
            client.statusChanged(status());
        }
    }

    @Override
    public JsonObject retrain() {
        throw new WarmupException(ErrorCode.WMP_1003, "the predictor is not wired into the server yet");
    }

    @Override
    public JsonObject evaluate() {
        throw new WarmupException(ErrorCode.WMP_1003, "the predictor is not wired into the server yet");
    }

    @Override
    public void reconfigured() {
        states.retain(config.current().models());
        client.statusChanged(status());
    }
}
