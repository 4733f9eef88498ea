package dev.warmup.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.LogCapture;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A store failing every second for minutes is said once a minute to the editor, not every second. */
class StoreFailureReportTest {
    @Test
    void theFirstFailureThenOnceAMinuteThenTheRecoveryWithEachRetryAtFine() {
        Logger log = Logger.getLogger(StoreFailureReportTest.class.getName());
        log.setLevel(Level.FINE);
        long[] now = {0};
        try (LogCapture logged = new LogCapture(StoreFailureReportTest.class)) {
            StoreFailureReport report = new StoreFailureReport(log, () -> now[0]);
            for (; now[0] <= 61_000; now[0] += 1000) {
                report.failed("database or disk is full", () -> 130);
            }
            report.written();
            report.written(); // nothing more to say
            List<String> warnings = logged.messages.stream().filter(m -> m.startsWith("WMP-7002")).toList();
            assertEquals(List.of("WMP-7002 Usage store write failed: database or disk is full",
                    "WMP-7002 Usage store write failed: still, after 60 s and 60 retries: database or disk is full; 130"
                            + " usage events wait in memory"), warnings);
            assertEquals(60, logged.messages.stream().filter(m -> m.startsWith("the usage store failed again")).count(),
                    "the retries between, at FINE");
            assertEquals("the usage store takes events again after 62 s and 61 retries",
                    logged.messages.get(logged.messages.size() - 1));

            report.failed("disk I/O error", () -> 1); // a new failure is said at once
            assertEquals("WMP-7002 Usage store write failed: disk I/O error",
                    logged.messages.get(logged.messages.size() - 1));
        } finally {
            log.setLevel(null);
        }
    }
}
