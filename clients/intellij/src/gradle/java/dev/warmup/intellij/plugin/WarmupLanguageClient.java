package dev.warmup.intellij.plugin;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.intellij.openapi.project.Project;
import com.redhat.devtools.lsp4ij.ServerStatus;
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl;
import dev.warmup.intellij.core.ClientBackendHandler;
import dev.warmup.intellij.core.LoadedModels;
import dev.warmup.intellij.core.StatusText;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;

/**
 * Receives warmup/* notifications and feeds the status bar widget; answers LSP4IJ's settings hook with the stored
 * warmup section, pushed when the server starts and whenever the settings page applies; carries out the
 * {@code client} backend's {@code warmup/load} and {@code warmup/unload} through the loader another plugin registers
 * ({@link #registerLoader}). Gradle build only.
 */
public final class WarmupLanguageClient extends LanguageClientImpl {
    private static final Set<WarmupLanguageClient> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile ClientBackendHandler.Loader loader; // the IDE's, for every project's server
    /**
     * What the loader holds for each project's server, by the project's location hash (not the project: a closed one
     * must not be kept alive); LSP4IJ makes a client per server start, and a restarted server is told of these.
     */
    private static final Map<String, LoadedModels> LOADED = new ConcurrentHashMap<>();

    private final ClientBackendHandler backend;

    public WarmupLanguageClient(Project project) {
        super(project);
        backend = new ClientBackendHandler(this::sendModelState, this::sendLoaderReady, System::currentTimeMillis,
                LOADED.computeIfAbsent(project.getLocationHash(), k -> new LoadedModels()));
    }

    /**
     * For a plugin that loads models for the IDE's AI features: the {@code client} backend's loads and unloads go to
     * {@code l} in every project from now on. Returns what undoes the registration (when that plugin unloads).
     */
    public static Runnable registerLoader(ClientBackendHandler.Loader l) {
        loader = l;
        RUNNING.forEach(c -> c.backend.register(l));
        return () -> {
            if (loader == l) {
                loader = null;
                RUNNING.forEach(c -> c.backend.register(null));
            }
        };
    }

    @JsonNotification("warmup/load")
    public void load(JsonObject params) {
        backend.onLoad(params);
    }

    @JsonNotification("warmup/unload")
    public void unload(JsonObject params) {
        backend.onUnload(params);
    }

    private void sendModelState(JsonObject state) {
        if (getLanguageServer() instanceof WarmupServerApi server) {
            server.modelState(state);
        }
    }

    private void sendLoaderReady() {
        if (getLanguageServer() instanceof WarmupServerApi server) {
            server.loaderReady();
        }
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
            backend.register(loader); // a loader registered before this server started; what it holds for the project
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
