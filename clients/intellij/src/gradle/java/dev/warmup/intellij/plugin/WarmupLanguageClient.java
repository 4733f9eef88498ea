package dev.warmup.intellij.plugin;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.intellij.openapi.project.Project;
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl;
import dev.warmup.intellij.core.StatusText;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;

/** Receives warmup/* notifications and feeds the status bar widget. Gradle build only. */
public final class WarmupLanguageClient extends LanguageClientImpl {
    public WarmupLanguageClient(Project project) {
        super(project);
    }

    @JsonNotification("warmup/statusChanged")
    public void statusChanged(Object status) {
        JsonObject s = new Gson().toJsonTree(status).getAsJsonObject();
        WarmupStatusBarWidgetFactory.update(getProject(), StatusText.of(s));
    }
}
