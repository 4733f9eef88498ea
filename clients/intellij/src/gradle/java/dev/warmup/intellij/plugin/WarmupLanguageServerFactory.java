package dev.warmup.intellij.plugin;

import com.intellij.openapi.project.Project;
import com.intellij.openapi.vfs.VirtualFile;
import com.intellij.testFramework.LightVirtualFile;
import com.redhat.devtools.lsp4ij.LanguageServerFactory;
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl;
import com.redhat.devtools.lsp4ij.client.features.LSPClientFeatures;
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

    /**
     * Files in memory only ({@link LightVirtualFile}: the result tabs this plugin opens, other plugins' views) are not
     * connected to the server: they are no editing of the developer's, and LSP4IJ would name them as files in the
     * IDE's working directory. LSP4IJ asks this before it sends {@code didOpen}.
     */
    @Override
    public @NotNull LSPClientFeatures createClientFeatures() {
        return new LSPClientFeatures() {
            @Override
            public boolean isEnabled(@NotNull VirtualFile file) {
                return !(file instanceof LightVirtualFile);
            }
        };
    }

    /** LSP and the warmup/* notifications the plugin sends ({@code warmup/activity}). */
    @Override
    public @NotNull Class<? extends LanguageServer> getServerInterface() {
        return WarmupServerApi.class;
    }
}
