package dev.warmup.server.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Warnings and errors reach the editor, so each starts with its WMP code: no warning or severe log call in the
 * server's code may start with words of its own (they are built with a {@link WarmupException}, or pass on the
 * message of one). Fourteen such had crept in (a failed scheduling tick, an unreadable history, a predictor that
 * could not be saved, a failed unload...), each on a path the other tests do not take.
 */
class LoggedWarningsTest {
    private static final Pattern UNCODED = Pattern.compile(
            "LOG\\.(?:warning|severe)\\(\\s*\"(?!WMP-)|Level\\.(?:WARNING|SEVERE),\\s*\"(?!WMP-)");

    @Test
    void noWarningOrErrorIsLoggedWithoutItsCode() throws IOException {
        List<String> uncoded = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(Path.of("src", "main", "java"))) {
            for (Path p : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                String code = Files.readString(p);
                Matcher m = UNCODED.matcher(code);
                while (m.find()) {
                    int line = (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                    uncoded.add(p + ":" + line);
                }
            }
        }
        assertTrue(files > 100, "read the server's sources: " + files);
        assertEquals(List.of(), uncoded);
    }
}
