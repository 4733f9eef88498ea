package dev.warmup.bench;

import java.time.Duration;

/** The CPU time of the server process a benchmark started (its memory: {@code ProcStatus}, from Linux's /proc). */
final class ProcessStats {
    private ProcessStats() {}

    /** The process's CPU time so far, user and system. */
    static Duration cpu(Process p) {
        return p.toHandle().info().totalCpuDuration().orElseThrow(
                () -> new IllegalStateException("this system does not report a process's CPU time"));
    }
}
