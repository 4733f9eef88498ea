package dev.warmup.intellij.plugin;

import java.util.Map;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * The server as LSP4IJ's proxy sees it ({@link WarmupLanguageServerFactory#getServerInterface()}): LSP, and the
 * warmup/* notifications the plugin sends. Gradle build only.
 */
public interface WarmupServerApi extends LanguageServer {
    /** {@code {"kind": ...}}, one of {@link dev.warmup.intellij.core.ActivityReporter#KINDS}. */
    @JsonNotification("warmup/activity")
    void activity(Map<String, String> params);
}
