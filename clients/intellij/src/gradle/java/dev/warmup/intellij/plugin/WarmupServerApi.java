package dev.warmup.intellij.plugin;

import com.google.gson.JsonObject;
import dev.warmup.intellij.core.ClientBackendHandler;
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

    /** The client backend's answer to {@code warmup/load} and {@code warmup/unload} ({@link ClientBackendHandler}). */
    @JsonNotification("warmup/modelState")
    void modelState(JsonObject params);

    /** Something that loads models registered ({@link WarmupLanguageClient#registerLoader}). */
    @JsonNotification("warmup/loaderReady")
    void loaderReady();
}
