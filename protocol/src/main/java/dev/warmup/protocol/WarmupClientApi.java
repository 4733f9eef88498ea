package dev.warmup.protocol;

import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.jsonrpc.services.JsonSegment;

/** Server to client (or orchestrator): the {@code warmup/*} notifications the server sends. */
@JsonSegment("warmup")
public interface WarmupClientApi {
    @JsonNotification
    void load(LoadParams params);

    @JsonNotification
    void unload(UnloadParams params);

    @JsonNotification
    void statusChanged(WarmupStatus params);
}
