package dev.warmup.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LogSetupTest {
    @Test
    void aThreadThatDiesOfAnExceptionIsLoggedWithItsCode() {
        List<LogRecord> logged = new ArrayList<>();
        Handler recorder = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger log = Logger.getLogger(LogSetup.class.getName());
        log.addHandler(recorder);
        try {
            IllegalStateException boom = new IllegalStateException("boom");
            LogSetup.uncaught().uncaughtException(new Thread(() -> {}, "warmup-predictor"), boom);
            assertEquals(1, logged.size());
            assertEquals(Level.SEVERE, logged.get(0).getLevel());
            assertEquals("WMP-8007 Internal error: thread warmup-predictor stopped: java.lang.IllegalStateException:"
                    + " boom", logged.get(0).getMessage());
            assertEquals(boom, logged.get(0).getThrown());
        } finally {
            log.removeHandler(recorder);
        }
    }
}
