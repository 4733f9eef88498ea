package dev.warmup.server.backend;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages a class's logger logs while this is open. */
final class LoggedMessages implements AutoCloseable {
    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override public void publish(LogRecord r) { messages.add(r.getMessage()); }
        @Override public void flush() {}
        @Override public void close() {}
    };

    LoggedMessages(Class<?> of) {
        logger = Logger.getLogger(of.getName());
        logger.addHandler(handler);
    }

    List<String> messages() {
        return messages;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
