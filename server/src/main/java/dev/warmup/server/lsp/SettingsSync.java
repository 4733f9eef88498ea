package dev.warmup.server.lsp;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.ParseFailure;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.scheduler.WarmupController;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.lsp4j.ConfigurationItem;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;

/**
 * The one settings path: {@code initializationOptions}, {@code didChangeConfiguration} and the
 * {@code workspace/configuration} pull all end in {@link #apply}. A change notification without our section makes
 * the server pull it, where the client supports that; invalid settings are refused with a message naming the key.
 */
@Singleton
public final class SettingsSync {
    private static final Logger LOG = Logger.getLogger(SettingsSync.class.getName());
    private static final Gson GSON = new Gson();

    private final ConfigurationManager config;
    private final ClientNotifier client;
    private final WarmupController controller;
    private volatile boolean canPull;

    @Inject
    public SettingsSync(ConfigurationManager config, ClientNotifier client, WarmupController controller) {
        this.config = config;
        this.client = client;
        this.controller = controller;
    }

    void clientSupportsPull(boolean supported) {
        this.canPull = supported;
    }

    /**
     * Settings from {@code initializationOptions}: {@code {settings: {warmup: ...}}}, or the settings themselves,
     * {@code {warmup: ...}} (what Helix sends of a server's {@code config}, and what one writes for editors that pass
     * their initialization options through as given); absent means defaults.
     */
    void initial(JsonElement initializationOptions) {
        if (initializationOptions == null || !initializationOptions.isJsonObject()) {
            return;
        }
        var options = initializationOptions.getAsJsonObject();
        if (options.has("settings")) {
            apply(options.get("settings"));
        } else if (options.has("warmup")) {
            apply(options);
        }
    }

    /** A {@code didChangeConfiguration} payload: applied when it holds our section, else pulled. */
    void changed(JsonElement settings) {
        if (settings != null && settings.isJsonObject() && settings.getAsJsonObject().has("warmup")) {
            apply(settings);
        } else {
            pull();
        }
    }

    /** Asks the client for the {@code warmup} section, if it supports {@code workspace/configuration}. */
    void pull() {
        if (!canPull || client.client() == null) {
            return;
        }
        ConfigurationItem item = new ConfigurationItem();
        item.setSection("warmup");
        client.client().configuration(new ConfigurationParams(List.of(item))).whenComplete((values, e) -> {
            if (e != null) {
                unanswered(e);
            } else if (values != null && !values.isEmpty() && values.get(0) != null) { // null: the editor has none
                var wrapped = new com.google.gson.JsonObject();
                wrapped.add("warmup", GSON.toJsonTree(values.get(0))); // not an object: refused, named warmup
                apply(wrapped);
            }
        });
    }

    /** The pull failed: the editor refused it (its right), or answered what is not a list of values. */
    private void unanswered(Throwable e) {
        Throwable cause = WarmupException.unwrap(e);
        if (cause instanceof ResponseErrorException) {
            LOG.fine("workspace/configuration refused: " + cause.getMessage());
        } else {
            refuse(new WarmupException(ErrorCode.WMP_8001, "the editor's answer to workspace/configuration is not a"
                    + " list of settings sections: " + ParseFailure.reason(cause, String.valueOf(cause))));
        }
    }

    private void apply(JsonElement settings) {
        try {
            config.apply(settings);
            controller.reconfigured();
        } catch (WarmupException e) {
            refuse(e);
        }
    }

    private void refuse(WarmupException e) {
        LOG.warning(e.getMessage());
        client.showMessage(MessageType.Error, e.getMessage());
    }
}
