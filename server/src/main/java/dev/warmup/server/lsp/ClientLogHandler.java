package dev.warmup.server.lsp;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.eclipse.lsp4j.MessageType;

/** Forwards log records at warning and above to the client as {@code window/logMessage}. */
public final class ClientLogHandler extends Handler {
    private static final ThreadLocal<Boolean> SENDING = ThreadLocal.withInitial(() -> false);
    private final ClientNotifier client;

    public ClientLogHandler(ClientNotifier client) {
        this.client = client;
        setLevel(Level.WARNING);
        setFormatter(new SimpleFormatter());
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record) || SENDING.get()) {
            return;
        }
        SENDING.set(true);
        try {
            MessageType type = record.getLevel().intValue() >= Level.SEVERE.intValue() ? MessageType.Error
                    : MessageType.Warning;
            String text = record.getMessage() == null ? "" : getFormatter().formatMessage(record);
            client.logMessage(type, text);
        } finally {
            SENDING.set(false);
        }
    }

    @Override
    public void flush() {
        // nothing buffered
    }

    @Override
    public void close() {
        // nothing to release
    }
}
