package dev.warmup.server.store;

import java.time.Instant;

/**
 * A running process, told apart from a later one that was given the same pid by its start time (0 where the
 * operating system does not say).
 */
public record ProcessIdentity(long pid, long startedMillis) {
    public static ProcessIdentity of(ProcessHandle h) {
        return new ProcessIdentity(h.pid(), h.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    }

    @Override
    public String toString() {
        return "pid " + pid;
    }
}
