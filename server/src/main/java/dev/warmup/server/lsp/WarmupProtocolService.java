package dev.warmup.server.lsp;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ActivityParams;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.ModelState;
import dev.warmup.protocol.ModelStateParams;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.RegisterModelsParams;
import dev.warmup.protocol.RegisterModelsResult;
import dev.warmup.protocol.Tasks;
import dev.warmup.protocol.UsageStats;
import dev.warmup.protocol.UsageStatsParams;
import dev.warmup.protocol.WarmupPrediction;
import dev.warmup.protocol.WarmupServerApi;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.SteadyClock;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.scheduler.WarmupController;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import dev.warmup.server.usage.UsagePatternAnalyzer;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The {@code warmup/*} methods. Requests run on the worker executor and fail with WMP-coded JSON-RPC errors (their
 * futures fail with the {@link WarmupException}; {@link ProtocolGuard} answers it);
 * notifications cannot be answered, so invalid ones are reported to the client as a log message with their code.
 */
public final class WarmupProtocolService implements WarmupServerApi {
    private static final Logger LOG = Logger.getLogger(WarmupProtocolService.class.getName());
    private static final Gson GSON = new Gson();
    /** How far ahead of our clock a reported use may be dated (another machine's clock), as given. */
    public static final long MAX_AHEAD_MILLIS = 300_000;
    private static final int MAX_NAME = ModelSpec.MAX_NAME;

    private final WarmupController controller;
    private final UsagePatternAnalyzer analyzer;
    private final MetricsReport metrics;
    private final ConfigurationManager config;
    private final Clock clock;
    private final ExecutorService workers;
    private volatile boolean aheadNamed;

    @Inject
    public WarmupProtocolService(WarmupController controller, UsagePatternAnalyzer analyzer, MetricsReport metrics,
                                 ConfigurationManager config, Clock clock,
                                 @Workers ExecutorService workers) {
        this.controller = controller;
        this.analyzer = analyzer;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.workers = workers;
    }

    @Override
    public CompletableFuture<WarmupStatus> status() {
        return CompletableFuture.supplyAsync(controller::status, workers);
    }

    @Override
    public CompletableFuture<WarmupPrediction> predict(PredictParams params) {
        return CompletableFuture.supplyAsync(() -> {
            PredictParams p = params == null ? new PredictParams(null, null) : params;
            if (p.horizonSeconds() != null && (p.horizonSeconds() < 1 || p.horizonSeconds() > 86_400)) {
                throw new WarmupException(ErrorCode.WMP_2003, "horizonSeconds = " + p.horizonSeconds());
            }
            if (p.limit() != null && (p.limit() < 1 || p.limit() > 1000)) {
                throw new WarmupException(ErrorCode.WMP_2003, "limit = " + p.limit());
            }
            return controller.predict(p);
        }, workers);
    }

    @Override
    public CompletableFuture<JsonObject> metrics() {
        return CompletableFuture.supplyAsync(metrics::toJson, workers);
    }

    @Override
    public CompletableFuture<UsageStats> usageStats(UsageStatsParams params) {
        return CompletableFuture.supplyAsync(() -> params == null ? analyzer.usageStats(null, null)
                : analyzer.usageStats(params.model(), params.task()), workers);
    }

    @Override
    public CompletableFuture<RegisterModelsResult> registerModels(RegisterModelsParams params) {
        return CompletableFuture.supplyAsync(() -> {
            if (params == null || params.models() == null) {
                throw new WarmupException(ErrorCode.WMP_8003, "warmup/registerModels needs {models: [...]}");
            }
            List<JsonObject> models = new ArrayList<>();
            for (ModelSpec m : params.models()) {
                if (m == null) {
                    throw new WarmupException(ErrorCode.WMP_8003, "a model entry is null");
                }
                models.add(GSON.toJsonTree(m).getAsJsonObject());
            }
            var settings = config.registerModels(models, Boolean.TRUE.equals(params.replace()));
            controller.reconfigured();
            return new RegisterModelsResult(settings.models().stream().map(ModelSpec::id).toList());
        }, workers);
    }

    @Override
    public void modelUsed(ModelUsedParams params) {
        try {
            if (params == null || params.model() == null || params.model().isBlank()) {
                throw new WarmupException(ErrorCode.WMP_1001, "warmup/modelUsed needs a model");
            }
            if (params.model().length() > MAX_NAME) {
                throw new WarmupException(ErrorCode.WMP_1001, "warmup/modelUsed model of " + params.model().length()
                        + " characters; at most " + MAX_NAME);
            }
            if (params.task() != null && !Tasks.isValid(params.task())) {
                throw new WarmupException(ErrorCode.WMP_1001, "unknown task '"
                        + WarmupException.quote(params.task()) + "'");
            }
            if (params.latencyMs() != null && params.latencyMs() < 0) {
                throw new WarmupException(ErrorCode.WMP_1001, "latencyMs = " + params.latencyMs() + " is negative");
            }
            long at = at(params.at());
            String model = controller.catalogueId(params.model()); // coder:latest, from Ollama, is the catalogue's coder
            String task = params.task() != null ? params.task() : taskOf(model);
            analyzer.recordUsage(new UsageEvent(at, EventKind.MODEL_USED, null, task, model, null, null, 0, 0,
                    -1, -1, params.latencyMs() == null ? -1 : params.latencyMs(), params.coldStart()));
            controller.modelUsed(new ModelUsedParams(model, params.task(), params.at(), params.latencyMs(),
                    params.coldStart()));
        } catch (WarmupException e) {
            report(e);
        }
    }

    @Override
    public void activity(ActivityParams params) {
        if (params == null || params.kind() == null || params.kind().isBlank() || params.kind().length() > MAX_NAME) {
            report(new WarmupException(ErrorCode.WMP_1001, "warmup/activity needs a kind of 1.." + MAX_NAME
                    + " characters"));
            return;
        }
        analyzer.recordUsage(UsageEvent.simple(clock.millis(), EventKind.ACTIVITY, params.kind(), null));
    }

    @Override
    public void modelState(ModelStateParams params) {
        if (params == null || params.model() == null || params.state() == null) {
            report(new WarmupException(ErrorCode.WMP_8003, "warmup/modelState needs model and a state, one of "
                    + Arrays.stream(ModelState.values()).map(Enum::name).collect(Collectors.joining("|"))
                    + " (an unknown state reads as none)"));
            return;
        }
        try {
            controller.modelState(params);
        } catch (WarmupException e) {
            report(e);
        }
    }

    @Override
    public void loaderReady() {
        controller.loaderReady();
    }

    private String taskOf(String model) {
        return config.current().model(model).map(m -> m.tasks().get(0)).orElse(null);
    }

    /**
     * When a reported use happened: now when not given; as given, unless it is more than {@value #MAX_AHEAD_MILLIS}
     * ms ahead of our clock. A use cannot come after its report, and one dated a day ahead by a client whose clock is
     * wrong would make its task look just used, to the predictor, for that day; so it is recorded as of now, and the
     * first such report is named (WMP-1001) so the clock can be put right.
     */
    private long at(String reported) {
        long now = clock.millis();
        if (reported == null) {
            return now;
        }
        long at = SteadyClock.fromSystemClock(clock, parseInstant(reported));
        if (at - now <= MAX_AHEAD_MILLIS) {
            return at;
        }
        if (!aheadNamed) {
            aheadNamed = true;
            report(new WarmupException(ErrorCode.WMP_1001, "warmup/modelUsed at = '" + reported + "' is "
                    + (at - now) / 1000 + " s ahead of this machine's clock (" + Instant.ofEpochMilli(now) + "): such"
                    + " uses are recorded as of their arrival (said once)"));
        }
        return now;
    }

    private static long parseInstant(String at) {
        try {
            return Instant.parse(at).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new WarmupException(ErrorCode.WMP_1001, "at = '" + WarmupException.quote(at)
                    + "' is not an ISO-8601 instant");
        } catch (ArithmeticException e) {
            throw new WarmupException(ErrorCode.WMP_1001, "at = '" + WarmupException.quote(at) + "' is out of range");
        }
    }

    /** Logged, and so shown to the client: warnings reach it through the log (LogSetup), once. */
    private void report(WarmupException e) {
        LOG.warning(e.getMessage());
    }
}
