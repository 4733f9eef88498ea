package dev.warmup.server.lsp;

import dev.warmup.protocol.WarmupServerApi;
import org.eclipse.lsp4j.jsonrpc.services.JsonDelegate;
import org.eclipse.lsp4j.services.LanguageServer;

/** The server's JSON-RPC surface: LSP plus the warmup/* methods, served by a delegate. */
public interface WarmupServerEndpoints extends LanguageServer {
    @JsonDelegate
    WarmupServerApi getWarmupService();
}
