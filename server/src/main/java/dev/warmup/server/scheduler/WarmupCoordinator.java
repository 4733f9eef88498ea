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
import dev.warmup.server.backend.BackendRegistry;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.OncePerName;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.lsp.ClientNotifier;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.prediction.PredictionService;
import dev.warmup.server.queue.WarmupQueue;
import dev.warmup.server.resources.ResourceManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.lsp4j.MessageType;

/**
 * Ties the warming side together for the protocol layer: status, ground-truth reports and configuration changes;
 * {@code warmup/predict} is {@link PredictPreview}'s.
 */
@Singleton
public final class WarmupCoordinator implements WarmupController {
    private static final Logger LOG = Logger.getLogger(WarmupCoordinator.class.getName());
    private final ConfigurationManager config;
    private final ModelStates states;
    private final ModelWarmupMetrics metrics;
    private final ClientNotifier client;
    private final Clock clock;
    private final PredictionService prediction;
    private final BackendRegistry backends;
    private final ResourceManager resources;
    private final PredictPreview preview;
    private final Ownership ownership;
    private final ModelServerSilence silence;
    private final WarmupQueue queue;
    private final OncePerName unknownNamed = new OncePerName();
    private final Set<String> oversizeNamed = ConcurrentHashMap.newKeySet();
    private volatile Set<String> catalogueIds = Set.of();
    private volatile Map<String, Double> planProbabilities = Map.of();
    private volatile List<String> planTrimmed = List.of();

    @Inject
    public WarmupCoordinator(ConfigurationManager config, ModelStates states, ModelWarmupMetrics metrics,
                             ClientNotifier client, Clock clock, PredictionService prediction,
                             BackendRegistry backends, ResourceManager resources,
                             PredictPreview preview, Ownership ownership, ModelServerSilence silence,
                             WarmupQueue queue) {
        this.queue = queue;
        this.silence = silence;
        this.ownership = ownership;
        this.preview = preview;
        this.resources = resources;
        this.prediction = prediction;
        this.backends = backends;
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
        long now = clock.millis();
        for (ModelSpec m : s.models()) {
            ModelStates.Entry e = states.get(m.id());
            boolean failed = e.state() == ModelStates.State.failed;
            models.add(new ModelStatus(m.id(), e.state().name(), e.memoryMb() > 0 ? e.memoryMb() : m.memoryMb(),
                    rounded(planProbabilities.get(m.id())),
                    e.lastUsedMillis() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(e.lastUsedMillis()).toString(),
                    m.backend() == null ? "client" : m.backend(),
                    e.state() == ModelStates.State.warm ? ownership.heldBy(m.id()) : null,
                    failed ? e.error() : null,
                    e.retryAtMillis() > now ? Instant.ofEpochMilli(e.retryAtMillis()).toString() : null,
                    silence.silentSince(m.backend(), now).stream().mapToObj(t -> Instant.ofEpochMilli(t).toString())
                            .findFirst().orElse(null),
                    e.state() == ModelStates.State.unloaded ? e.error() : null));
        }
        return new WarmupStatus(Version.get(), config.paused() ? "paused" : "running", prediction.name(),
                prediction.note(), models,
                states.heldMb(), s.maxMemoryMb(), (int) states.warmCount(), s.maxWarmModels(),
                config.backgroundWarmupActive(), heldBack(s));
    }

    /**
     * What holds warming back now (the machine's memory and CPU, the performance impact threshold); null when nothing
     * does, or when warming is paused or turned off (the status says so already).
     */
    private List<String> heldBack(WarmupSettings s) {
        if (!config.backgroundWarmupActive()) {
            return null;
        }
        List<String> held = new ArrayList<>(resources.heldBack(s, LimitPools.ours(s, states, queue)));
        held.addAll(planTrimmed);
        return held.isEmpty() ? null : held;
    }

    @Override
    public WarmupPrediction predict(PredictParams params) {
        return preview.predict(params);
    }

    @Override
    public void modelUsed(ModelUsedParams params) {
        ModelSpec spec = known(params.model(), "uses reported with a task count toward that task's forecast, but"
                + " the model is not tracked or warmed");
        if (spec == null) {
            return;
        }
        ownership.claim(spec); // used through this editor: ours to unload when it is no longer wanted
        boolean hit = states.used(params.model(), clock.millis(), spec.memoryMb());
        boolean reportedCold = Boolean.TRUE.equals(params.coldStart());
        if (hit && !reportedCold) {
            metrics.hit();
        } else {
            metrics.miss();
        }
        metrics.warmMemoryMb(states.heldMb());
        if (!hit) { // a warm model used again moves only its lastUsed, which is not announced: no status to build
            client.statusChanged(status());
        }
    }

    /**
     * Each catalogue model's chance of being needed within the plan's horizon, as the scheduler's last plan saw it:
     * the status shows it (while warming is paused or off too: what warming would act on).
     */
    void planProbabilities(Map<String, Double> byModel) {
        planProbabilities = Map.copyOf(byModel);
    }

    /** Why the scheduler's last plan left loads out for their performance impact (WMP-6001); empty when it did not. */
    void planTrimmed(List<String> why) {
        planTrimmed = List.copyOf(why);
    }

    private static Double rounded(Double p) {
        return p == null || !Double.isFinite(p) ? null : Math.round(p * 100) / 100.0;
    }

    /** Tells the client what is warm, loading and predicted. */
    public void publishStatus() {
        client.statusChanged(status());
    }

    @Override
    public void loaderReady() {
        backends.client().loaderReady();
    }

    @Override
    public void modelState(ModelStateParams params) {
        ModelSpec spec = known(params.model(), "its state reports are ignored");
        if (spec == null) {
            return;
        }
        // a report that answers a load the scheduler sent goes to the scheduler alone, which updates the state, the
        // memory and the status on its own thread (with a retry time, or a load sent again at once): written here too,
        // it could land after that, or a tick between the two could see the failure without its back-off and load again
        if (backends.client().modelState(params)) {
            return;
        }
        // a report that does not say how much memory the model holds: the catalogue's size, not nothing
        int mem = params.memoryMb() == null || params.memoryMb() <= 0 ? spec.memoryMb() : params.memoryMb();
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
    public String catalogueId(String reported) {
        return backends.catalogueModel(config.current(), reported).map(ModelSpec::id).orElse(reported);
    }

    @Override
    public JsonObject retrain() {
        return prediction.retrain();
    }

    @Override
    public JsonObject evaluate() {
        return prediction.evaluate();
    }

    @Override
    public JsonObject forgetHistory() {
        JsonObject gone = prediction.forgetHistory();
        publishStatus(); // the client hears at once that the predictor starts afresh (WMP-1003), not at the next tick
        return gone;
    }

    /**
     * The catalogue's entry for a model a client reported, or null for a model outside it (a remote model, say),
     * which must take no memory and no warm slot in our accounting. The first report of each such model (since the
     * catalogue last changed) throws WMP-3003, for the protocol layer to tell the user; later ones are ignored quietly.
     * Only the first {@value OncePerName#MAX_NAMES} such models are named: an orchestrator that reports ever new
     * names (one per request, say) neither floods the log nor grows the set without end.
     */
    private ModelSpec known(String id, String consequence) {
        ModelSpec spec = config.current().model(id).orElse(null);
        if (spec == null && unknownNamed.first(id)) {
            throw new WarmupException(ErrorCode.WMP_3003, "'" + id + "' is not in the catalogue (warmup.models or"
                    + " warmup/registerModels): " + consequence + " (said once per model)");
        }
        return spec;
    }

    /**
     * The configuration changed: forget models that left the catalogue, and tell the user, once per model and size
     * and budget, of a model larger than {@code maxMemoryMb}, which can never be warmed (WMP-4002).
     */
    @Override
    public void reconfigured() {
        WarmupSettings s = config.current();
        Set<String> ids = Set.copyOf(s.models().stream().map(ModelSpec::id).toList());
        if (!ids.equals(catalogueIds)) { // a model outside the old catalogue may be in the new one, or named anew
            catalogueIds = ids;
            unknownNamed.forget();
        }
        for (ModelSpec m : s.models()) {
            String key = m.id() + "@" + m.memoryMb() + "/" + s.maxMemoryMb();
            if (m.memoryMb() > s.maxMemoryMb() && oversizeNamed.add(key)) {
                String message = new WarmupException(ErrorCode.WMP_4002, m.id() + " needs " + m.memoryMb()
                        + " MB, maxMemoryMb is " + s.maxMemoryMb() + ": it will never be warmed").getMessage();
                LOG.warning(message);
                client.showMessage(MessageType.Warning, message);
            }
        }
        states.retain(s.models());
        client.statusChanged(status());
    }
}
