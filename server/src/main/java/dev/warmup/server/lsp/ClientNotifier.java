package dev.warmup.server.lsp;

import dev.warmup.protocol.LoadParams;
import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.UnloadParams;
import dev.warmup.protocol.WarmupStatus;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;

/**
 * Sends messages to the connected client, if any. Safe to call from any thread, and before the client connects:
 * log messages from before the client's {@code initialized} (a damaged predictor file discarded at start-up) are
 * held, up to {@value #HELD_LOGS}, and sent then; other messages are dropped. A failure to send is logged, never
 * thrown at the caller.
 */
@Singleton
public final class ClientNotifier {
    private static final Logger LOG = Logger.getLogger(ClientNotifier.class.getName());
    private volatile WarmupLanguageClient client;
    /** warmup/* notifications wait until the client has answered initialize with {@code initialized}. */
    private volatile boolean initialized;
    private WarmupStatus lastSent;
    static final int HELD_LOGS = 50;
    private final List<MessageParams> held = new ArrayList<>(); // log messages before initialized; guarded by this
    private final List<Runnable> onInitialized = new CopyOnWriteArrayList<>();

    public void connect(WarmupLanguageClient client) {
        this.client = client;
    }

    void initialized() {
        List<MessageParams> early;
        synchronized (this) {
            initialized = true;
            early = List.copyOf(held);
            held.clear();
        }
        early.forEach(m -> send(c -> c.logMessage(m)));
        onInitialized.forEach(Runnable::run);
    }

    /** Whether the client has sent {@code initialized}: until then no warmup/* notification reaches it. */
    public boolean clientInitialized() {
        return initialized;
    }

    /** Runs {@code r} (on the LSP thread: it must not block) once the client has sent {@code initialized}. */
    public void onInitialized(Runnable r) {
        onInitialized.add(r);
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
        MessageParams m = new MessageParams(type, message);
        synchronized (this) {
            if (!initialized) {
                if (held.size() < HELD_LOGS) {
                    held.add(m);
                }
                return;
            }
        }
        send(c -> c.logMessage(m));
    }

    /**
     * Sends warmup/statusChanged when the status differs from the last one sent in more than its models' {@code
     * lastUsed}: every reported use moves that, and an orchestrator reporting hundreds of uses a second of a warm
     * model would otherwise get as many notifications, none of them news. Likewise a model's probability counts only
     * to its first decimal: the forecast moves a little with every event, and the next notification carries it.
     */
    public synchronized void statusChanged(WarmupStatus status) {
        if (!initialized) {
            return;
        }
        WarmupStatus shown = asAnnounced(status);
        if (!shown.equals(lastSent) && send(c -> c.statusChanged(status))) {
            lastSent = shown;
        }
    }

    private static WarmupStatus asAnnounced(WarmupStatus s) {
        return new WarmupStatus(s.version(), s.state(), s.predictor(), s.predictorNote(), s.models().stream()
                .map(m -> new ModelStatus(m.id(), m.state(), m.memoryMb(),
                        m.probability() == null ? null : Math.round(m.probability() * 10) / 10.0, null, m.backend(),
                        m.heldBy(), m.error(), m.retryAt(), m.unconfirmedSince(), m.unloadReason()))
                .toList(), s.memoryUsedMb(), s.memoryBudgetMb(), s.warmModels(), s.maxWarmModels(),
                s.backgroundWarmupEnabled(), s.heldBack());
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
