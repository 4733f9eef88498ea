package dev.warmup.server.lsp;

import dev.warmup.protocol.LoadParams;
import dev.warmup.protocol.ModelStatus;
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
    private WarmupStatus lastSent;

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

    /**
     * Sends warmup/statusChanged when the status differs from the last one sent in more than its models' {@code
     * lastUsed}: every reported use moves that, and an orchestrator reporting hundreds of uses a second of a warm
     * model would otherwise get as many notifications, none of them news.
     */
    public synchronized void statusChanged(WarmupStatus status) {
        if (!initialized) {
            return;
        }
        WarmupStatus shown = withoutLastUsed(status);
        if (!shown.equals(lastSent) && send(c -> c.statusChanged(status))) {
            lastSent = shown;
        }
    }

    private static WarmupStatus withoutLastUsed(WarmupStatus s) {
        return new WarmupStatus(s.version(), s.state(), s.predictor(), s.predictorNote(), s.models().stream()
                .map(m -> new ModelStatus(m.id(), m.state(), m.memoryMb(), m.probability(), null, m.backend()))
                .toList(), s.memoryUsedMb(), s.memoryBudgetMb(), s.warmModels(), s.maxWarmModels(),
                s.backgroundWarmupEnabled());
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
