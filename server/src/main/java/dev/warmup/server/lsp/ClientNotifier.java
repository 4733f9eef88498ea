package dev.warmup.server.lsp;

import dev.warmup.protocol.LoadParams;
import dev.warmup.protocol.UnloadParams;
import dev.warmup.protocol.WarmupStatus;
import jakarta.inject.Singleton;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;

/**
 * Sends messages to the connected client, if any. Safe to call before the client connects (messages are dropped)
 * and from any thread; a failure to send is logged, never thrown at the caller.
 */
@Singleton
public final class ClientNotifier {
    private static final Logger LOG = Logger.getLogger(ClientNotifier.class.getName());
    private volatile WarmupLanguageClient client;
    /** warmup/* notifications wait until the client has answered initialize with {@code initialized}. */
    private volatile boolean initialized;

    public void connect(WarmupLanguageClient client) {
        this.client = client;
    }

    void initialized() {
        this.initialized = true;
    }

    public boolean connected() {
        return client != null;
    }

    WarmupLanguageClient client() {
        return client;
    }

    public void showMessage(MessageType type, String message) {
        send(c -> c.showMessage(new MessageParams(type, message)));
    }

    public void logMessage(MessageType type, String message) {
        send(c -> c.logMessage(new MessageParams(type, message)));
    }

    public void statusChanged(WarmupStatus status) {
        if (initialized) {
            send(c -> c.statusChanged(status));
        }
    }

    /** Sends warmup/load; returns false when no initialized client can take it. */
    public boolean load(LoadParams params) {
        return initialized && send(c -> c.load(params));
    }

    /** Sends warmup/unload; returns false when no initialized client can take it. */
    public boolean unload(UnloadParams params) {
        return initialized && send(c -> c.unload(params));
    }

    private boolean send(java.util.function.Consumer<WarmupLanguageClient> action) {
        WarmupLanguageClient c = client;
        if (c == null) {
            return false;
        }
        try {
            action.accept(c);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not notify the client", e);
            return false;
        }
    }
}
