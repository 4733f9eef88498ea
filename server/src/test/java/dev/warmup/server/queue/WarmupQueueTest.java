package dev.warmup.server.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WarmupQueueTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));

    private String next(WarmupQueue q) {
        return q.poll().orElseThrow().model();
    }

    @Test
    void mostUrgentFirstThenOldest() {
        WarmupQueue q = new WarmupQueue(clock, 10, 60_000);
        q.offer("low", Priority.LOW, "");
        q.offer("high", Priority.HIGH, "");
        q.offer("medium", Priority.MEDIUM, "");
        q.offer("high2", Priority.HIGH, "");
        assertEquals("high", next(q));
        assertEquals("high2", next(q));
        assertEquals("medium", next(q));
        assertEquals("low", next(q));
        assertTrue(q.poll().isEmpty());
    }

    @Test
    void aFilteredPollTakesTheMostUrgentStartableAndLeavesTheOthersQueued() {
        WarmupQueue q = new WarmupQueue(clock, 10, 60_000);
        q.offer("box-high", Priority.HIGH, ""); // its model server's CPU quota is spent
        q.offer("host-medium", Priority.MEDIUM, "");
        q.offer("host-low", Priority.LOW, "");
        assertEquals("host-medium", q.poll(e -> !e.model().startsWith("box")).orElseThrow().model());
        assertEquals(2, q.size(), "box-high stays queued");
        assertEquals("host-low", q.poll(e -> !e.model().startsWith("box")).orElseThrow().model());
        assertTrue(q.poll(e -> !e.model().startsWith("box")).isEmpty());
        assertEquals("box-high", next(q), "and goes first once its quota is free");
    }

    @Test
    void agingLetsAWaitingLowEntryOvertakeNewerHighOnes() {
        WarmupQueue q = new WarmupQueue(clock, 10, 60_000);
        q.offer("old-low", Priority.LOW, "");
        clock.advance(Duration.ofMinutes(3)); // LOW (0) + 3 minutes of aging = 3 > HIGH (2)
        q.offer("new-high", Priority.HIGH, "");
        assertEquals("old-low", next(q));
        assertEquals("new-high", next(q));
    }

    @Test
    void oneEntryPerModelANewerRequestUpdatesIt() {
        WarmupQueue q = new WarmupQueue(clock, 10, 60_000);
        q.offer("m", Priority.LOW, "predicted");
        q.offer("m", Priority.CRITICAL, "asked for");
        assertEquals(1, q.size());
        WarmupQueue.Entry e = q.poll().orElseThrow();
        assertEquals(Priority.CRITICAL, e.priority());
        assertEquals("asked for", e.reason());
    }

    @Test
    void overflowShedsTheLowestWithWmp5001() {
        WarmupQueue q = new WarmupQueue(clock, 2, 60_000);
        q.offer("a", Priority.MEDIUM, "");
        q.offer("b", Priority.LOW, "");
        WarmupQueue.Offer o = q.offer("c", Priority.HIGH, "");
        assertTrue(o.queued());
        assertEquals("b", o.shed().orElseThrow().model());
        assertTrue(o.warning().orElseThrow().getMessage().contains("WMP-5001"));
        WarmupQueue.Offer low = q.offer("d", Priority.LOW, ""); // lower than everything queued: itself shed
        assertFalse(low.queued());
        assertEquals("d", low.shed().orElseThrow().model());
        assertEquals(2, q.shed());
        assertEquals(2, q.size());
    }

    @Test
    void aLoweredCapacityShedsTheLowestWithWmp5001() {
        WarmupQueue q = new WarmupQueue(clock, 3, 60_000);
        q.offer("a", Priority.MEDIUM, "");
        q.offer("b", Priority.LOW, "");
        q.offer("c", Priority.HIGH, "");
        java.util.List<WarmupQueue.Offer> shed = q.resize(1);
        assertEquals(java.util.List.of("b", "a"), shed.stream().map(o -> o.shed().orElseThrow().model()).toList());
        assertEquals("WMP-5001 Warm-up queue overflow: lowest-priority entry shed: queue resized to 1 (maxQueueSize);"
                + " shed b (LOW)", shed.get(0).warning().orElseThrow().getMessage());
        assertEquals(2, q.shed());
        assertEquals("c", next(q));
        assertEquals(java.util.List.of(), q.resize(5), "a raised capacity sheds nothing");
    }

    @Test
    void cancellationWithdrawsAPrediction() {
        WarmupQueue q = new WarmupQueue(clock, 5, 60_000);
        q.offer("a", Priority.MEDIUM, "");
        assertTrue(q.cancel("a"));
        assertFalse(q.cancel("a"));
        assertTrue(q.poll().isEmpty());
    }
}
