package dev.warmup.server.replay;

/** Which developers a replay keeps, by their position in the trace file: all, or every other one. */
public enum UserSplit {
    all, even, odd
}
