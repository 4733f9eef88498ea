package dev.warmup.server.store;

import java.time.Instant;

/**
 * A running process, told apart from a later one that was given the same pid by its start time (0 where the
 * operating system does not say).
 */
public record ProcessIdentity(long pid, long startedMillis) {
    /** How far apart two readings of one process's start may be; see {@link #sameProcessAs}. */
    static final long START_SLACK_MILLIS = 60_000;

    public static ProcessIdentity of(ProcessHandle h) {
        return new ProcessIdentity(h.pid(), h.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    }

    /**
     * Whether {@code now}, the process that has this pid now, is the one this identity recorded. Linux gives a
     * process's start as the boot time plus the ticks since boot, and the boot time (/proc/stat's btime, in whole
     * seconds) moves with each step of the system clock, as NTP makes after a laptop wakes: two servers started either
     * side of such a step read each other's start a second or more apart, each took the other for exited, and took
     * over the models it had loaded. So starts within {@value #START_SLACK_MILLIS} ms are the same process (a pid
     * given again within a minute of its first process's start is not what a server that recorded claims meets); 0,
     * where the operating system does not say, matches any.
     */
    public boolean sameProcessAs(ProcessIdentity now) {
        return pid == now.pid && (startedMillis == 0 || now.startedMillis == 0
                || Math.abs(startedMillis - now.startedMillis) <= START_SLACK_MILLIS);
    }

    @Override
    public String toString() {
        return "pid " + pid;
    }
}
