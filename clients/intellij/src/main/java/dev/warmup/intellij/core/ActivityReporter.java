package dev.warmup.intellij.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What the plugin tells the server of the developer's activity beyond documents, as {@code warmup/activity}: the IDE
 * frame gaining or losing the focus, debug sessions starting and stopping, builds, test runs and other run
 * configurations starting, editor
 * switches, and reading (caret moves, scrolling: reading code leaves no trace in the documents, and the trace the
 * server's policy was tuned on logs it; without it the policy has about 8 % more cold starts). Kinds only, never a
 * name or path; the same kinds as the VS Code extension's. The focus is sent only when it changes, each reading kind
 * at most once per {@link #READING_INTERVAL_MILLIS}, timed on the monotonic clock ({@link #monotonicMillis}): on the
 * wall clock, set back an hour, no reading event went out for that hour, and the server took the developer for idle.
 */
public final class ActivityReporter {
    public static final String WINDOW_FOCUSED = "windowFocused";
    public static final String WINDOW_BLURRED = "windowBlurred";
    public static final String DEBUG_STARTED = "debugStarted";
    public static final String DEBUG_STOPPED = "debugStopped";
    public static final String BUILD_STARTED = "buildStarted";
    public static final String TEST_STARTED = "testStarted";
    public static final String TASK_STARTED = "taskStarted";
    public static final String EDITOR_CHANGED = "editorChanged";
    public static final String CARET_MOVED = "caretMoved";
    public static final String SCROLLED = "scrolled";
    /** Every kind this plugin sends. */
    public static final List<String> KINDS = List.of(WINDOW_FOCUSED, WINDOW_BLURRED, DEBUG_STARTED, DEBUG_STOPPED,
            BUILD_STARTED, TEST_STARTED, TASK_STARTED, EDITOR_CHANGED, CARET_MOVED, SCROLLED);
    /** A reading event of one kind is sent at most once in this many milliseconds. */
    public static final long READING_INTERVAL_MILLIS = 5_000;

    private final Consumer<String> send;
    private final LongSupplier clock;
    private Boolean focused;
    private final Map<String, Long> lastSent = new HashMap<>();

    public ActivityReporter(Consumer<String> send, LongSupplier clock) {
        this.send = send;
        this.clock = clock;
    }

    /** Milliseconds on the JVM's monotonic clock, which the system clock's steps do not move: the plugin's clock. */
    public static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /** The frame's focus as it is now; sent when it changed. */
    public synchronized void focus(boolean now) {
        if (focused != null && focused == now) {
            return;
        }
        focused = now;
        send.accept(now ? WINDOW_FOCUSED : WINDOW_BLURRED);
    }

    /** A debug session started ({@code true}) or ended. */
    public void debug(boolean started) {
        send.accept(started ? DEBUG_STARTED : DEBUG_STOPPED);
    }

    /** A build (make, rebuild, compile before a run) started. */
    public void buildStarted() {
        send.accept(BUILD_STARTED);
    }

    /** A test run started. */
    public void testStarted() {
        send.accept(TEST_STARTED);
    }

    /** A run configuration started (not under the debugger: that is a debug session). */
    public void taskStarted() {
        send.accept(TASK_STARTED);
    }

    /** Another editor became the selected one. */
    public void editorChanged() {
        send.accept(EDITOR_CHANGED);
    }

    /** The caret moved: sent unless a move went out in the last interval. */
    public void caretMoved() {
        reading(CARET_MOVED);
    }

    /** An editor scrolled: sent unless a scroll went out in the last interval. */
    public void scrolled() {
        reading(SCROLLED);
    }

    private synchronized void reading(String kind) {
        long t = clock.getAsLong();
        Long last = lastSent.get(kind);
        if (last != null && t >= last && t - last < READING_INTERVAL_MILLIS) { // a clock gone back: sent, and from it
            return;
        }
        lastSent.put(kind, t);
        send.accept(kind);
    }
}
