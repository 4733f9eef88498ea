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
}
