package dev.warmup.server.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warmup.server.MutableClock;
import dev.warmup.server.errors.WarmupException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The breaker opens after the threshold, says why the last call failed, and lets one trial through after the pause. */
class CircuitBreakerTest {
    @Test
    void opensAfterTheThresholdSayingWhyTheLastCallFailedAndTriesOnceAfterThePause() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        CircuitBreaker breaker = new CircuitBreaker("http://127.0.0.1:11434", clock, 3, 30_000);
        breaker.acquire();
        breaker.failure("HTTP 503 \"loading\"");
        breaker.acquire();
        breaker.failure("connection refused");
        breaker.acquire();
        breaker.failure("connection refused");
        WarmupException paused = assertThrows(WarmupException.class, breaker::acquire);
        assertEquals("WMP-8005 Model server circuit open: calls paused: http://127.0.0.1:11434 failed 3 times in a row"
                + " (the last: connection refused); retrying after 30 s", paused.getMessage());
        clock.advance(Duration.ofSeconds(30));
        breaker.acquire(); // the trial
        assertThrows(WarmupException.class, breaker::acquire, "one trial at a time");
        breaker.success();
        breaker.acquire();
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    }
}
