package dev.warmup.server.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.LogCapture;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A warning repeated at every look is said once a minute, each different one at once, and at once again after clear. */
class RepeatedWarningsTest {
    @Test
    void eachMessageOnceAMinuteWithHowOftenItWasHeldBack() {
        long[] now = {0};
        try (LogCapture logged = new LogCapture(RepeatedWarningsTest.class)) {
            RepeatedWarnings w = new RepeatedWarnings(Logger.getLogger(RepeatedWarningsTest.class.getName()),
                    () -> now[0]);
            for (; now[0] <= 65_000; now[0] += 5000) { // a look every 5 s
                w.warn("WMP-7004 who holds coder: closed");
            }
            w.warn("WMP-7002 that coder was unloaded: closed"); // another: said at once
            assertEquals(List.of("WMP-7004 who holds coder: closed",
                    "WMP-7004 who holds coder: closed (11 times more since it was last said)",
                    "WMP-7002 that coder was unloaded: closed"), logged.messages);
            w.clear(); // the store answered again
            w.warn("WMP-7004 who holds coder: closed");
            assertEquals("WMP-7004 who holds coder: closed", logged.messages.get(3), "news again, said at once");
        }
    }
}
