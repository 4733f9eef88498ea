package dev.warmup.server.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as Go's {@code time.ParseDuration} reads them, which is how Ollama reads {@code keep_alive}:
 * {@code 30m}, {@code 1h30m}, {@code 1.5h}, {@code 90s}. Unsigned: a keep-alive setting has no use for a sign.
 */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
    private static final Map<String, Double> NANOS = Map.of("ns", 1d, "us", 1e3, "µs", 1e3, "ms", 1e6, "s", 1e9,
            "m", 60e9, "h", 3600e9);

    private GoDuration() {}

    /** The duration {@code text} names; empty when it is not one. */
    public static Optional<Duration> parse(String text) {
        Matcher m = PART.matcher(text);
        int at = 0;
        double nanos = 0;
        while (m.find() && m.start() == at) {
            nanos += Double.parseDouble(m.group(1)) * NANOS.get(m.group(3));
            at = m.end();
        }
        return at > 0 && at == text.length() ? Optional.of(Duration.ofNanos((long) nanos)) : Optional.empty();
    }

    /** Whether {@code text} is a duration greater than zero. */
    public static boolean positive(String text) {
        return parse(text).filter(d -> !d.isZero()).isPresent();
    }
}
