package dev.warmup.server.usage;

/** What kind of thing happened. {@code MODEL_USED} events are requests for a task (ground truth). */
public enum EventKind {
    OPEN, CHANGE, SAVE, CLOSE, COMPLETION, CODE_ACTION, COMMAND, MODEL_USED, ACTIVITY, TRACE
}
