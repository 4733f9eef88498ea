package dev.warmup.intellij.plugin;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.intellij.openapi.project.Project;
import com.redhat.devtools.lsp4ij.ServerStatus;
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl;
import dev.warmup.intellij.core.StatusText;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;

/**
 * Receives warmup/* notifications and feeds the status bar widget; answers LSP4IJ's settings hook with the stored
 * warmup section, pushed when the server starts and whenever the settings page applies. Gradle build only.
 */
public final class WarmupLanguageClient extends LanguageClientImpl {
    private static final Set<WarmupLanguageClient> RUNNING = ConcurrentHashMap.newKeySet();

    public WarmupLanguageClient(Project project) {
        super(project);
    }

    /** Pushes the stored settings to every running Warmup server (after the settings page's Apply). */
    static void pushSettingsToAll() {
        RUNNING.forEach(WarmupLanguageClient::triggerChangeConfiguration);
    }

    @Override
    protected Object createSettings() {
        return WarmupSettingsService.getInstance().model().changeConfigurationSettings();
    }

    @Override
    public void triggerChangeConfiguration() {
        super.triggerChangeConfiguration();
    }

    @Override
    public void handleServerStatusChanged(ServerStatus serverStatus) {
        if (serverStatus == ServerStatus.started) {
            RUNNING.add(this);
            triggerChangeConfiguration();
        } else if (serverStatus == ServerStatus.stopped) {
            RUNNING.remove(this);
        }
    }

    @JsonNotification("warmup/statusChanged")
    public void statusChanged(Object status) {
        JsonObject s = new Gson().toJsonTree(status).getAsJsonObject();
        WarmupStatusBarWidgetFactory.update(getProject(), StatusText.of(s));
    }
}
