package dev.warmup.server;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** What one class logs, from any of its threads, for tests: the messages in order, and a wait for one of them. */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger; // held: a logger nobody holds may be collected, and the handler with it
    public final List<String> messages = new CopyOnWriteArrayList<>();
    /** The records themselves, for their level (those below the logger's level are not published). */
    public final List<LogRecord> records = new CopyOnWriteArrayList<>();

    public LogCapture(Class<?> source) {
        logger = Logger.getLogger(source.getName());
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord r) {
        messages.add(r.getMessage());
        records.add(r);
        notifyAll();
    }

    /** The first message that starts with {@code prefix}, waiting up to {@code timeout} for it to be logged. */
    public synchronized String awaitFirst(String prefix, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> said = messages.stream().filter(m -> m.startsWith(prefix)).findFirst();
            if (said.isPresent()) {
                return said.get();
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("nothing starting with " + prefix + " logged within " + timeout + ": "
                        + messages);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The records whose message starts with {@code prefix}, waiting up to {@code timeout} for {@code n} of them. */
    public synchronized List<LogRecord> await(String prefix, int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<LogRecord> said = records.stream().filter(r -> r.getMessage().startsWith(prefix)).toList();
            if (said.size() >= n) {
                return said;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(n + " starting with " + prefix + " not logged within " + timeout + ": "
                        + messages);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
