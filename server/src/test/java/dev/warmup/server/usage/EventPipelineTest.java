package dev.warmup.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.LogCapture;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.UsageStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event queue under overload, and with the disk full: what does not fit is dropped and counted (WMP-1002); what
 * was accepted is stored, once the store has room.
 */
class EventPipelineTest {
    /** How long a flush in these tests may wait for room in the queue. */
    private static final Duration FOR_ROOM = Duration.ofSeconds(30);

    @TempDir Path dir;

    @Test
    void aFullQueueDropsAndCountsWithWmp1002AndLosesNothingItAccepted() throws Exception {
        try (LogCapture logged = new LogCapture(EventPipeline.class);
             UsageStore store = UsageStore.open(dir.resolve("usage.db"))) {
            ModelWarmupMetrics metrics = new ModelWarmupMetrics(Clock.systemUTC(), store, new DataDirectory(dir));
            overload(new EventPipeline(4, store, metrics), store, metrics, logged.messages);
        }
    }

    @Test
    void whileTheDiskIsFullEventsWaitUpToTheBoundAndAllGoInOnceThereIsRoom() throws Exception {
        try (LogCapture logged = new LogCapture(EventPipeline.class);
             UsageStore store = UsageStore.open(dir.resolve("usage.db"))) {
            fillTheDisk(store);
            ModelWarmupMetrics metrics = new ModelWarmupMetrics(Clock.systemUTC(), store, new DataDirectory(dir));
            try (EventPipeline pipeline = new EventPipeline(100, store, metrics)) {
                String said = offerMoreThanFits(pipeline, logged);
                assertTrue(said.contains("database or disk is full"), "the cause, not a failed rollback: " + said);
                for (int i = 101; i <= 200; i++) { // the consumer takes no more: the queue holds these
                    assertTrue(pipeline.offer(UsageEvent.simple(i, EventKind.CHANGE, null, null)), "room for " + i);
                }
                assertFalse(pipeline.offer(UsageEvent.simple(201, EventKind.CHANGE, null, null)), "dropped, counted");
                assertTrue(pipeline.flush(Duration.ZERO).isCompletedExceptionally(), "no room: a flush is told");
                assertEquals(1, metrics.eventsDropped());
                store.query("PRAGMA max_page_count = 1000000", List.of(), rs -> rs.getLong(1)); // room again
                pipeline.flush(FOR_ROOM).get(30, TimeUnit.SECONDS);
            }
            assertEquals(java.util.stream.LongStream.rangeClosed(0, 200).boxed().toList(),
                    store.allEvents().stream().map(UsageEvent::at).toList(), "every event accepted, once, in order");
        }
    }

    @Test
    void closingWhileTheDiskIsStillFullSaysHowManyEventsWereNotStored() throws Exception {
        try (LogCapture logged = new LogCapture(EventPipeline.class);
             UsageStore store = UsageStore.open(dir.resolve("usage.db"))) {
            fillTheDisk(store);
            ModelWarmupMetrics metrics = new ModelWarmupMetrics(Clock.systemUTC(), store, new DataDirectory(dir));
            EventPipeline pipeline = new EventPipeline(100, store, metrics);
            offerMoreThanFits(pipeline, logged);
            for (int i = 101; i <= 130; i++) { // the consumer takes no more: the queue holds these
                assertTrue(pipeline.offer(UsageEvent.simple(i, EventKind.CHANGE, null, null)), "room for " + i);
            }
            CompletableFuture<Void> waiting = pipeline.flush(Duration.ZERO); // room for it beside the 30
            pipeline.close();
            assertFalse(pipeline.consumerRunning(), "close ends the consumer though nothing could be written");
            String lost = "WMP-7002 Usage store write failed: closing with the store still failing: 130 usage events"
                    + " not stored";
            assertTrue(logged.messages.contains(lost), "the 100 it held and the 30 queued: " + logged.messages);
            ExecutionException failed = assertThrows(ExecutionException.class, waiting::get, "the flush is told");
            assertEquals(lost, failed.getCause().getMessage());
            assertTrue(pipeline.flush(FOR_ROOM).isCompletedExceptionally(), "closed: a flush is told at once");
            assertFalse(pipeline.offer(UsageEvent.simple(131, EventKind.CHANGE, null, null)), "closed: not accepted");
            assertEquals(0, metrics.eventsDropped(), "nor counted as dropped by a full queue");
            assertEquals(List.of(0L), store.allEvents().stream().map(UsageEvent::at).toList(), "the store as it was");
        }
    }

    @Test
    void whatWaitsForAFullDiskCanBeDroppedWhenTheHistoryIsForgotten() throws Exception {
        try (LogCapture logged = new LogCapture(EventPipeline.class);
             UsageStore store = UsageStore.open(dir.resolve("usage.db"))) {
            fillTheDisk(store);
            ModelWarmupMetrics metrics = new ModelWarmupMetrics(Clock.systemUTC(), store, new DataDirectory(dir));
            try (EventPipeline pipeline = new EventPipeline(100, store, metrics)) {
                offerMoreThanFits(pipeline, logged);
                for (int i = 101; i <= 200; i++) { // the consumer takes no more: the queue is full
                    assertTrue(pipeline.offer(UsageEvent.simple(i, EventKind.CHANGE, null, null)), "room for " + i);
                }
                assertEquals(200, pipeline.discardWaiting().get(30, TimeUnit.SECONDS), "the 100 held, the 100 queued");
                store.query("PRAGMA max_page_count = 1000000", List.of(), rs -> rs.getLong(1)); // room again
                assertTrue(pipeline.offer(UsageEvent.simple(201, EventKind.CHANGE, null, null)));
                pipeline.flush(FOR_ROOM).get(30, TimeUnit.SECONDS);
            }
            assertEquals(List.of(0L, 201L), store.allEvents().stream().map(UsageEvent::at).toList(),
                    "none of the dropped written; what came after is");
        }
    }

    @Test
    void anIdlePipelineSleepsUntilWorkComesAndStopsWhenClosed() throws Exception {
        try (UsageStore store = UsageStore.open(dir.resolve("usage.db"))) {
            ModelWarmupMetrics metrics = new ModelWarmupMetrics(Clock.systemUTC(), store, new DataDirectory(dir));
            EventPipeline pipeline = new EventPipeline(10, store, metrics);
            assertTrue(pipeline.offer(UsageEvent.simple(1, EventKind.CHANGE, null, null)));
            pipeline.flush(FOR_ROOM).get(30, TimeUnit.SECONDS); // written: nothing pending, the consumer waits for work
            assertTrue(pipeline.offer(UsageEvent.simple(2, EventKind.CHANGE, null, null)));
            pipeline.close(); // what was offered before is written, and the consumer ends (waits 10 s at most)
            assertFalse(pipeline.consumerRunning(), "close woke the waiting consumer");
            assertEquals(List.of(1L, 2L), store.allEvents().stream().map(UsageEvent::at).toList());

            EventPipeline idle = new EventPipeline(10, store, metrics);
            idle.flush(FOR_ROOM).get(30, TimeUnit.SECONDS);
            idle.close();
            assertFalse(idle.consumerRunning(), "close woke the consumer that never had work");
        }
    }

    @Test
    void anEventOrFlushUnderWayAsThePipelineClosesIsStoredNotAcceptedAndLost() throws Exception {
        try (UsageStore store = UsageStore.open(dir.resolve("usage.db"))) {
            ModelWarmupMetrics metrics = new ModelWarmupMetrics(Clock.systemUTC(), store, new DataDirectory(dir));
            CountDownLatch entered = new CountDownLatch(2);
            CompletableFuture<Void> release = new CompletableFuture<>();
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(10) { // holds the event and the flush at its door
                @Override
                public boolean offer(Object item) {
                    if (item instanceof UsageEvent) {
                        entered.countDown();
                        release.join();
                    }
                    return super.offer(item);
                }

                @Override
                public boolean offer(Object item, long timeout, TimeUnit unit) throws InterruptedException {
                    entered.countDown();
                    release.join();
                    return super.offer(item, timeout, unit);
                }
            };
            EventPipeline pipeline = new EventPipeline(queue, store, metrics);
            CompletableFuture<Boolean> offered = CompletableFuture.supplyAsync(
                    () -> pipeline.offer(UsageEvent.simple(1, EventKind.CHANGE, null, null)));
            CompletableFuture<CompletableFuture<Void>> flushing = CompletableFuture.supplyAsync(
                    () -> pipeline.flush(FOR_ROOM));
            assertTrue(entered.await(30, TimeUnit.SECONDS), "both past the closed check, neither queued yet");
            Thread closer = new Thread(pipeline::close, "closer");
            closer.start();
            while (closer.getState() != Thread.State.WAITING && closer.isAlive()) {
                Thread.onSpinWait(); // until close waits for the two (or, were it not to, has ended)
            }
            release.complete(null);
            closer.join();
            assertTrue(offered.get(30, TimeUnit.SECONDS), "accepted");
            flushing.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS); // answered: stored
            assertFalse(pipeline.consumerRunning());
            assertEquals(List.of(1L), store.allEvents().stream().map(UsageEvent::at).toList(), "and stored");
        }
    }

    /** Leaves the store, as a full disk would, no room beyond the one event (at 0) it is given. */
    private static void fillTheDisk(UsageStore store) throws Exception {
        store.append(List.of(UsageEvent.simple(0, EventKind.CHANGE, null, null)));
        long pages = store.query("PRAGMA page_count", List.of(), rs -> rs.getLong(1));
        store.query("PRAGMA max_page_count = " + pages, List.of(), rs -> rs.getLong(1));
    }

    /**
     * Offers events 1 to 100 (19 KB: more than the full store's pages have room for); returns, once the consumer
     * holds them all waiting for room, its WMP-7002.
     */
    private static String offerMoreThanFits(EventPipeline pipeline, LogCapture logged) throws Exception {
        CountDownLatch taken = new CountDownLatch(100);
        pipeline.addObserver(e -> taken.countDown());
        for (int i = 1; i <= 100; i++) {
            assertTrue(pipeline.offer(UsageEvent.simple(i, EventKind.CHANGE, "x".repeat(190), null)));
        }
        assertTrue(taken.await(30, TimeUnit.SECONDS), "the consumer holds the 100, waiting for room");
        return logged.awaitFirst("WMP-7002", Duration.ofSeconds(30));
    }

    private static void overload(EventPipeline pipeline, UsageStore store, ModelWarmupMetrics metrics,
                                 List<String> warnings) throws Exception {
        try (pipeline) {
            CompletableFuture<Void> entered = new CompletableFuture<>();
            CompletableFuture<Void> release = new CompletableFuture<>();
            pipeline.addObserver(e -> { // the consumer is held on the first event
                if (e.at() == 0) {
                    entered.complete(null);
                    release.join();
                }
            });
            assertTrue(pipeline.offer(UsageEvent.simple(0, EventKind.CHANGE, null, null)));
            entered.get(30, TimeUnit.SECONDS);
            for (int i = 1; i <= 4; i++) {
                assertTrue(pipeline.offer(UsageEvent.simple(i, EventKind.CHANGE, null, null)), "room for " + i);
            }
            for (int i = 5; i <= 7; i++) {
                assertFalse(pipeline.offer(UsageEvent.simple(i, EventKind.CHANGE, null, null)), "no room for " + i);
            }
            release.complete(null);
            pipeline.flush(FOR_ROOM).get(30, TimeUnit.SECONDS);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), store.allEvents().stream().map(UsageEvent::at).toList());
            assertEquals(1, warnings.stream().filter(w -> w.startsWith("WMP-1002")).count(), "said once a minute: "
                    + warnings);
            assertTrue(warnings.get(0).contains("1 dropped so far"), warnings.get(0));
            assertEquals(3, metrics.eventsDropped());
        }
    }
}
