package dev.warmup.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void debugIsOurCodesAndTraceEveryones() {
        Logger root = Logger.getLogger("");
        Level rootBefore = root.getLevel();
        Logger ours = Logger.getLogger("dev.warmup");
        Level oursBefore = ours.getLevel();
        Logger scheduler = Logger.getLogger("dev.warmup.server.scheduler.BackendActions");
        Logger httpClient = Logger.getLogger("jdk.internal.httpclient.debug");
        Logger oshi = Logger.getLogger("oshi.util.FileUtil");
        try {
            LogSetup.applyLevel(LogSetup.parseLevel("debug"));
            assertTrue(scheduler.isLoggable(Level.FINE));
            assertFalse(scheduler.isLoggable(Level.FINER));
            assertFalse(httpClient.isLoggable(Level.FINE));
            assertFalse(oshi.isLoggable(Level.FINE));
            assertTrue(httpClient.isLoggable(Level.INFO));

            LogSetup.applyLevel(LogSetup.parseLevel("trace"));
            assertTrue(scheduler.isLoggable(Level.FINEST));
            assertTrue(httpClient.isLoggable(Level.FINE));

            LogSetup.applyLevel(LogSetup.parseLevel("warn"));
            assertFalse(scheduler.isLoggable(Level.INFO));
            assertFalse(httpClient.isLoggable(Level.INFO));
            assertTrue(scheduler.isLoggable(Level.WARNING));
        } finally {
            root.setLevel(rootBefore);
            ours.setLevel(oursBefore);
        }
    }
}
