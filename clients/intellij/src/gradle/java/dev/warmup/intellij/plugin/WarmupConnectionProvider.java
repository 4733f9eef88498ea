package dev.warmup.intellij.plugin;

import com.intellij.ide.plugins.PluginManagerCore;
import com.intellij.openapi.application.PathManager;
import com.intellij.openapi.diagnostic.Logger;
import com.intellij.openapi.extensions.PluginId;
import com.intellij.openapi.util.SystemInfo;
import com.intellij.openapi.vfs.VirtualFile;
import com.redhat.devtools.lsp4ij.server.ProcessStreamConnectionProvider;
import dev.warmup.intellij.core.ServerCommandLine;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Starts the server jar shipped in the plugin's lib/server with the IDE's own Java, initialized with the stored
 * settings ({@code {settings: {warmup: ...}}}). Gradle build only.
 */
public final class WarmupConnectionProvider extends ProcessStreamConnectionProvider {
    public WarmupConnectionProvider() {
        super(ServerCommandLine.build(Path.of(System.getProperty("java.home")), Runtime.version().feature(),
                Objects.requireNonNull(PluginManagerCore.getPlugin(PluginId.getId("dev.warmup.intellij")))
                        .getPluginPath(), Path.of(PathManager.getLogPath()),
                Path.of(PathManager.getSystemPath(), "warmup"), SystemInfo.isWindows, logLevel()));
    }

    /** As Help | Diagnostic Tools | Debug Log Settings asks for {@value ServerCommandLine#LOG_CATEGORY}. */
    private static String logLevel() {
        Logger log = Logger.getInstance(ServerCommandLine.LOG_CATEGORY);
        return ServerCommandLine.logLevel(log.isDebugEnabled(), log.isTraceEnabled());
    }

    @Override
    public Object getInitializationOptions(VirtualFile rootUri) {
        return WarmupSettingsService.getInstance().model().initializationOptions();
    }
}
