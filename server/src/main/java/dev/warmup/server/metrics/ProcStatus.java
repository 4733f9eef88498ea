package dev.warmup.server.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A process's resident memory from Linux's {@code /proc/PID/status}, in KiB: {@code VmRSS}, the resident set now, and
 * {@code VmHWM}, its peak so far, which OSHI does not give. Empty where there is no such file (not Linux) or field.
 * The metrics report's {@code process.peakResidentMb}, the soak and the benchmarks read them here.
 */
public final class ProcStatus {
    private ProcStatus() {
    }

    /** VmRSS: the process's resident set now, in KiB. */
    public static OptionalLong residentKb(long pid) {
        return field(pid, "VmRSS:");
    }

    /** VmHWM: the process's peak resident set so far, in KiB. */
    public static OptionalLong peakResidentKb(long pid) {
        return field(pid, "VmHWM:");
    }

    private static OptionalLong field(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(name)) {
                    return OptionalLong.of(Long.parseLong(line.substring(name.length()).replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            // not Linux, the process gone, or a field not in KiB: unknown
        }
        return OptionalLong.empty();
    }
}
