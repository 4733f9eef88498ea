package dev.warmup.server;

import dev.warmup.server.errors.WarmupException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passes log records on to the server's handlers (stderr, the file, the editor), except that one message repeated
 * fast is shown at most {@link #SHOWN} times a minute: a client that sends the same bad notification at every
 * keystroke filled the editor's log with a line each. Records at info and above with the same WMP code (or, without
 * one, the same logger and text) count as the same. The first one held back is followed by a line saying so, and
 * the next one after the minute by a line saying how many were held back; so is each still held back when the
 * server closes its logs. Debug and trace records, asked for, always pass.
 */
final class RepeatLimit extends Handler {
    static final int SHOWN = 10;
    static final long WINDOW_MILLIS = 60_000;
    /**
     * Windows kept at most; past it, those that have ended are forgotten (after saying what they held back), and a
     * record of yet another kind while all are within their minute is shown without being counted.
     */
    private static final int MAX_WINDOWS = 1_000;
    private static final Pattern CODE = Pattern.compile("^WMP-\\d{4}");
    private static final DateTimeFormatter HH_MM_SS = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final List<Handler> targets;
    private final Clock clock;
    private final SimpleFormatter text = new SimpleFormatter();
    private final Map<String, Window> windows = new HashMap<>();

    /** A minute of one kind of record: when it began, how many came, what names them and at what level. */
    private static final class Window {
        final long start;
        final String label;
        final String logger;
        int seen;
        Level level = Level.ALL;

        Window(long start, String label, String logger) {
            this.start = start;
            this.label = label;
            this.logger = logger;
        }

        int heldBack() {
            return Math.max(0, seen - SHOWN);
        }
    }

    RepeatLimit(List<Handler> targets, Clock clock) {
        this.targets = List.copyOf(targets);
        this.clock = clock;
    }

    /**
     * Decides under the lock, forwards outside it: a handler may block (the editor not reading its messages), and
     * must not hold up the threads that only log to the file.
     */
    @Override
    public void publish(LogRecord record) {
        if (record == null) {
            return;
        }
        List<LogRecord> out = new ArrayList<>(2);
        if (record.getLevel().intValue() < Level.INFO.intValue()) {
            out.add(record);
        } else {
            synchronized (this) {
                decide(record, out);
            }
        }
        out.forEach(this::forward);
    }

    /** Adds to {@code out} what is to be shown of {@code record}: itself, a line about its kind, or nothing. */
    private void decide(LogRecord record, List<LogRecord> out) {
        String message = record.getMessage() == null ? "" : text.formatMessage(record);
        Matcher code = CODE.matcher(message);
        String key = code.find() ? code.group() : record.getLoggerName() + "\n" + message;
        long now = clock.millis();
        Window w = windows.get(key);
        if (w != null && now - w.start >= WINDOW_MILLIS) {
            heldBack(w, out);
            w = null;
        }
        if (w == null) {
            forgetEnded(now, out);
            if (windows.size() >= MAX_WINDOWS) { // as many kinds within a minute: shown, not counted
                out.add(record);
                return;
            }
            w = new Window(now, key.startsWith("WMP-") ? key : "'" + WarmupException.quote(message) + "'",
                    record.getLoggerName());
            windows.put(key, w);
        }
        w.seen++;
        if (record.getLevel().intValue() > w.level.intValue()) {
            w.level = record.getLevel();
        }
        if (w.seen <= SHOWN) {
            out.add(record);
        } else if (w.seen == SHOWN + 1) {
            out.add(line(w, w.label + " came " + SHOWN + " times since " + time(w.start) + ": more like it are"
                    + " counted, not shown, until " + time(w.start + WINDOW_MILLIS)));
        }
    }

    private void heldBack(Window w, List<LogRecord> out) {
        if (w.heldBack() > 0) {
            out.add(line(w, w.label + " came " + w.heldBack() + " more times from " + time(w.start) + " to "
                    + time(w.start + WINDOW_MILLIS) + ", not shown"));
        }
    }

    private void forgetEnded(long now, List<LogRecord> out) {
        if (windows.size() < MAX_WINDOWS) {
            return;
        }
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            Window w = it.next();
            if (now - w.start >= WINDOW_MILLIS) {
                heldBack(w, out);
                it.remove();
            }
        }
    }

    private LogRecord line(Window w, String message) {
        LogRecord r = new LogRecord(w.level, message);
        r.setLoggerName(w.logger);
        r.setInstant(clock.instant());
        return r;
    }

    private String time(long millis) {
        return HH_MM_SS.format(LocalTime.ofInstant(Instant.ofEpochMilli(millis), clock.getZone()));
    }

    private void forward(LogRecord record) {
        for (Handler h : targets) {
            h.publish(record);
        }
    }

    @Override
    public void flush() {
        targets.forEach(Handler::flush);
    }

    @Override
    public void close() {
        List<LogRecord> out = new ArrayList<>();
        synchronized (this) {
            windows.values().forEach(w -> heldBack(w, out));
            windows.clear();
        }
        out.forEach(this::forward);
        targets.forEach(Handler::close);
    }
}
