package dev.warmup.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What the benchmarks read of the server process they started: its CPU time, and its memory from Linux's /proc. */
final class ProcessStats {
    private ProcessStats() {}

    /** The process's CPU time so far, user and system. */
    static Duration cpu(Process p) {
        return p.toHandle().info().totalCpuDuration().orElseThrow(
                () -> new IllegalStateException("this system does not report a process's CPU time"));
    }

    /** VmRSS: the process's resident set now, in KiB, or -1 where /proc does not say. */
    static long residentKb(long pid) {
        try {
            return status(pid, "VmRSS:");
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** VmHWM: the process's peak resident set so far, in KiB. */
    static long peakResidentKb(long pid) throws IOException {
        return status(pid, "VmHWM:");
    }

    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }
}
