package dev.warmup.server.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's troubleshooting table lists exactly the codes the server can emit, each with the component, severity,
 * title and hint the server sends in its error data.
 */
class ErrorCodeDocumentationTest {
    @Test
    void readmeListsEveryCode() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("## Troubleshooting"));
        for (ErrorCode c : ErrorCode.values()) {
            var row = Pattern.compile("^\\| " + c.id() + " \\| " + Pattern.quote(c.component()) + " \\| "
                    + c.severity() + " \\| " + Pattern.quote(c.title()) + " \\| " + Pattern.quote(c.hint()) + " \\|$",
                    Pattern.MULTILINE);
            assertTrue(row.matcher(section).find(), "README troubleshooting row for " + c.id());
        }
        long documented = Pattern.compile("^\\| WMP-\\d{4} \\|", Pattern.MULTILINE).matcher(section).results().count();
        assertEquals(ErrorCode.values().length, documented, "no stale codes in the README");
    }

    @Test
    void codesFollowTheComponentScheme() {
        for (ErrorCode c : ErrorCode.values()) {
            assertTrue(c.id().matches("WMP-[1-8]\\d{3}"), c.id());
        }
    }
}
