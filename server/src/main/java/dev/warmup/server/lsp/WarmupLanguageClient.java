package dev.warmup.server.lsp;

import dev.warmup.protocol.WarmupClientApi;
import org.eclipse.lsp4j.services.LanguageClient;

/** The remote client as the server sees it: a standard LSP client that also takes warmup/* notifications. */
public interface WarmupLanguageClient extends LanguageClient, WarmupClientApi {}
