package dev.warmup.protocol;

import com.google.gson.JsonObject;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.jsonrpc.services.JsonRequest;
import org.eclipse.lsp4j.jsonrpc.services.JsonSegment;

/** Client (or orchestrator) to server: the {@code warmup/*} methods the server answers. */
@JsonSegment("warmup")
public interface WarmupServerApi {
    @JsonRequest
    CompletableFuture<WarmupStatus> status();

    @JsonRequest
    CompletableFuture<WarmupPrediction> predict(PredictParams params);

    /** The metrics report; its fields are listed in protocol/README.md. */
    @JsonRequest
    CompletableFuture<JsonObject> metrics();

    @JsonRequest
    CompletableFuture<UsageStats> usageStats(UsageStatsParams params);

    @JsonRequest
    CompletableFuture<RegisterModelsResult> registerModels(RegisterModelsParams params);

    @JsonNotification
    void modelUsed(ModelUsedParams params);

    @JsonNotification
    void activity(ActivityParams params);

    @JsonNotification
    void modelState(ModelStateParams params);

    /**
     * The client can carry out {@code warmup/load} now (an extension or plugin registered what loads its models):
     * loads of its models that failed for want of a loader are tried again at once, not at their back-off's end.
     */
    @JsonNotification
    void loaderReady();
}
