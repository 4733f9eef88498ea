package dev.warmup.intellij.plugin;

import com.intellij.openapi.project.Project;
import com.redhat.devtools.lsp4ij.LanguageServerFactory;
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl;
import com.redhat.devtools.lsp4ij.server.StreamConnectionProvider;
import org.eclipse.lsp4j.services.LanguageServer;
import org.jetbrains.annotations.NotNull;

/** LSP4IJ's entry point (plugin.xml {@code <server factoryClass=...>}). Compiled by the Gradle build only. */
public final class WarmupLanguageServerFactory implements LanguageServerFactory {
    @Override
    public @NotNull StreamConnectionProvider createConnectionProvider(@NotNull Project project) {
        return new WarmupConnectionProvider();
    }

    @Override
    public @NotNull LanguageClientImpl createLanguageClient(@NotNull Project project) {
        return new WarmupLanguageClient(project);
    }

    /** LSP and the warmup/* notifications the plugin sends ({@code warmup/activity}). */
    @Override
    public @NotNull Class<? extends LanguageServer> getServerInterface() {
        return WarmupServerApi.class;
    }
}
