package dev.warmup.intellij.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What the plugin tells the server of the developer's activity beyond documents, as {@code warmup/activity}: the IDE
 * frame gaining or losing the focus, editor switches, and caret moves (reading code leaves no trace in the documents,
 * and the trace the server's policy was tuned on logs it; without it the policy has about 8 % more cold starts).
 * Kinds only, never a name or path; the same kinds as the VS Code extension's. The focus is sent only when it
 * changes, a caret move at most once per {@link #READING_INTERVAL_MILLIS}.
 */
public final class ActivityReporter {
    public static final String WINDOW_FOCUSED = "windowFocused";
    public static final String WINDOW_BLURRED = "windowBlurred";
    public static final String EDITOR_CHANGED = "editorChanged";
    public static final String CARET_MOVED = "caretMoved";
    /** Every kind this plugin sends. */
    public static final List<String> KINDS = List.of(WINDOW_FOCUSED, WINDOW_BLURRED, EDITOR_CHANGED, CARET_MOVED);
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

    /** The frame's focus as it is now; sent when it changed. */
    public synchronized void focus(boolean now) {
        if (focused != null && focused == now) {
            return;
        }
        focused = now;
        send.accept(now ? WINDOW_FOCUSED : WINDOW_BLURRED);
    }

    /** Another editor became the selected one. */
    public void editorChanged() {
        send.accept(EDITOR_CHANGED);
    }

    /** The caret moved: sent unless a move went out in the last interval. */
    public synchronized void caretMoved() {
        long t = clock.getAsLong();
        Long last = lastSent.get(CARET_MOVED);
        if (last != null && t - last < READING_INTERVAL_MILLIS) {
            return;
        }
        lastSent.put(CARET_MOVED, t);
        send.accept(CARET_MOVED);
    }
}
