package dev.warmup.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class RepeatLimitTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));
    private final List<LogRecord> shown = new ArrayList<>();
    private final RepeatLimit limit = new RepeatLimit(List.of(new Handler() {
        @Override
        public void publish(LogRecord record) {
            shown.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }), clock);

    private void log(Level level, String message) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("dev.warmup.test");
        limit.publish(r);
    }

    private List<String> messages() {
        return shown.stream().map(LogRecord::getMessage).toList();
    }

    @Test
    void aWarningRepeatedFastIsShownTenTimesAMinuteAndTheRestAreCounted() {
        for (int i = 0; i < 25; i++) {
            log(Level.WARNING, "WMP-8003 Invalid parameters: textDocument/didChange needs contentChanges[" + i + "]");
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(11, shown.size(), messages().toString());
        assertEquals("WMP-8003 Invalid parameters: textDocument/didChange needs contentChanges[9]", messages().get(9));
        assertEquals("WMP-8003 came 10 times since 09:00:00: more like it are counted, not shown, until 09:01:00",
                messages().get(10));
        assertEquals(Level.WARNING, shown.get(10).getLevel());

        clock.set(Instant.parse("2026-12-01T09:01:00Z"));
        log(Level.WARNING, "WMP-8003 Invalid parameters: once more");
        assertEquals(List.of("WMP-8003 came 15 more times from 09:00:00 to 09:01:00, not shown",
                "WMP-8003 Invalid parameters: once more"), messages().subList(11, 13));
    }

    @Test
    void codesCountApartAndUncodedTextsByThemselves() {
        for (int i = 0; i < 12; i++) {
            log(Level.WARNING, "WMP-8003 Invalid parameters: " + i);
            log(Level.SEVERE, "WMP-8007 Internal error: " + i);
            log(Level.INFO, "no code, the same text");
            log(Level.INFO, "no code, text " + i); // twelve kinds, each once
            log(Level.FINE, "debug asked for"); // below info: always shown
        }
        assertEquals(11, messages().stream().filter(m -> m.startsWith("WMP-8003")).count());
        assertEquals(11, messages().stream().filter(m -> m.startsWith("WMP-8007")).count());
        assertEquals(10, messages().stream().filter(m -> m.equals("no code, the same text")).count());
        assertEquals(1, messages().stream().filter(m -> m.startsWith("'no code, the same text' came 10 times")).count());
        assertEquals(12, messages().stream().filter(m -> m.startsWith("no code, text")).count());
        assertEquals(12, messages().stream().filter(m -> m.equals("debug asked for")).count());
    }

    @Test
    void whatIsStillHeldBackIsSaidWhenTheLogsClose() {
        for (int i = 0; i < 13; i++) {
            log(Level.WARNING, "WMP-1001 Invalid usage report: " + i);
        }
        log(Level.WARNING, "WMP-1002 Usage events dropped");
        limit.close();
        assertEquals("WMP-1001 came 3 more times from 09:00:00 to 09:01:00, not shown", messages().get(12));
        assertEquals(13, shown.size(), "ten shown, the note, WMP-1002 (nothing held back), the count: " + messages());
    }

    @Test
    void pastAThousandKindsInAMinuteMoreAreShownUncountedUntilTheOldWindowsEnd() {
        for (int i = 0; i < 13; i++) {
            log(Level.WARNING, "the same text"); // 3 held back
        }
        for (int i = 1; i < 1_000; i++) {
            log(Level.INFO, "text " + i); // each its own kind: a thousand kinds with the one above
        }
        for (int i = 0; i < 15; i++) {
            log(Level.INFO, "one kind too many"); // nothing left to count it with: shown every time
        }
        assertEquals(11 + 999 + 15, shown.size());

        clock.advance(Duration.ofMinutes(1));
        log(Level.INFO, "a new kind");
        assertEquals(List.of("'the same text' came 3 more times from 09:00:00 to 09:01:00, not shown", "a new kind"),
                messages().subList(11 + 999 + 15, shown.size()), "the windows that ended are let go, and said");
        for (int i = 0; i < 15; i++) {
            log(Level.INFO, "one kind too many");
        }
        assertEquals(11, messages().stream().skip(11 + 999 + 15 + 2).count(), "counted again, ten and the note");
    }

    @Test
    void aHandlerThatBlocksHoldsUpOnlyTheThreadItBlocks() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> reached = new CopyOnWriteArrayList<>();
        RepeatLimit limited = new RepeatLimit(List.of(new Handler() {
            @Override
            public void publish(LogRecord record) {
                reached.add(record.getMessage());
                if (record.getMessage().startsWith("WMP-8004")) { // the editor not reading its messages
                    blocked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        }), clock);
        Thread stuck = new Thread(() -> limited.publish(new LogRecord(Level.WARNING, "WMP-8004 Backend unreachable")));
        stuck.start();
        blocked.await();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> limited.publish(new LogRecord(Level.INFO,
                "the store wrote 2,048 events")), "another thread's record is not held up by the blocked one");
        assertEquals(List.of("WMP-8004 Backend unreachable", "the store wrote 2,048 events"), reached);
        release.countDown();
        stuck.join();
    }
}
