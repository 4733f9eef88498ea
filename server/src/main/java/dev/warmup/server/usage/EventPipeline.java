package dev.warmup.server.usage;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.store.UsageStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes usage events off the request threads. {@link #offer} never blocks: when the bounded queue is full the event
 * is dropped and counted. One consumer thread hands each event to the observers (in order) and writes batches to
 * the store at least every {@link #FLUSH_MILLIS} ms, so a crash loses at most about that much, in transactions of at
 * most {@value #MAX_BATCH} events, so that a backlog goes in as far as there is room for it. A failed write is
 * retried every {@link #FLUSH_MILLIS} ms; nothing is discarded while the store keeps failing (a full disk), up to the
 * queue's bound: with that many events waiting for the store, the consumer stops taking more, the queue fills, and
 * what does not fit is dropped and counted (WMP-1002). Closing while the store still fails loses what waits, as a
 * crash would, and says how many events that was (WMP-7002).
 */
public final class EventPipeline implements AutoCloseable {
    static final long FLUSH_MILLIS = 1000;
    private static final long ORIGIN_NANOS = System.nanoTime();
    private static final int MAX_BATCH = 2048;
    /** What close puts in the queue to wake a consumer waiting for work. */
    private static final Object WAKE = new Object();
    private static final Logger LOG = Logger.getLogger(EventPipeline.class.getName());

    /** What {@link #discardWaiting} queues: the consumer drops the events it holds unwritten, and says how many. */
    private record Discard(CompletableFuture<Integer> done, int removed) {}

    private final BlockingQueue<Object> queue;
    private final int capacity;
    private final UsageStore store;
    private final ModelWarmupMetrics metrics;
    private final List<Consumer<UsageEvent>> observers = new CopyOnWriteArrayList<>();
    private final Thread consumer;
    /** False from the start of close: no offer or flush is taken from then on. */
    private volatile boolean running = true;
    /**
     * Held (shared) by an offer or flush from its check of {@link #running} until its item is queued, and by close
     * (alone) before it lets the consumer end: so nothing is queued after the consumer's last look.
     */
    private final ReadWriteLock door = new ReentrantReadWriteLock();
    /** True once close holds the door: the queue gains nothing more, and the consumer may end when it is empty. */
    private volatile boolean sealed;
    private volatile long lastDropWarning = Long.MIN_VALUE / 2;
    private final StoreFailureReport failures = new StoreFailureReport(LOG, EventPipeline::monotonicMillis);

    public EventPipeline(int capacity, UsageStore store, ModelWarmupMetrics metrics) {
        this(new ArrayBlockingQueue<>(capacity), store, metrics);
    }

    /** Over a given empty bounded queue (tests: one that holds an offer at its door). */
    EventPipeline(BlockingQueue<Object> queue, UsageStore store, ModelWarmupMetrics metrics) {
        this.queue = queue;
        this.capacity = queue.remainingCapacity();
        this.store = store;
        this.metrics = metrics;
        this.consumer = new Thread(this::run, "warmup-event-pipeline");
        this.consumer.setDaemon(true);
        this.consumer.start();
    }

    /** Adds an observer called on the pipeline thread for every event, in order. */
    public void addObserver(Consumer<UsageEvent> observer) {
        observers.add(observer);
    }

    /**
     * Queues an event; returns false (and counts a drop) when the queue is full, and false when the pipeline is closed
     * (a message the protocol delivers during shutdown: nothing would store it). Never blocks.
     */
    public boolean offer(UsageEvent event) {
        if (!door.readLock().tryLock()) {
            return false; // close holds it
        }
        try {
            if (!running) {
                return false;
            }
            if (queue.offer(event)) {
                return true;
            }
        } finally {
            door.readLock().unlock();
        }
        metrics.eventDropped();
        long now = monotonicMillis();
        if (now - lastDropWarning >= 60_000) {
            lastDropWarning = now;
            LOG.warning(new WarmupException(ErrorCode.WMP_1002,
                    metrics.eventsDropped() + " dropped so far; the queue holds " + queue.size()).getMessage());
        }
        return false;
    }

    /**
     * Completes once every event offered before this call is observed and stored. Waits at most {@code forRoom} for
     * room in the queue (full: events waiting for a failing store, or more than the consumer keeps up with), then
     * completes exceptionally, as it does at once when the pipeline is closed, and when it closes before the events
     * could be stored.
     */
    public CompletableFuture<Void> flush(Duration forRoom) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!door.readLock().tryLock()) {
            done.completeExceptionally(new IllegalStateException("the event pipeline is closed"));
            return done;
        }
        try {
            if (!running) {
                done.completeExceptionally(new IllegalStateException("the event pipeline is closed"));
            } else if (!queue.offer(done, forRoom.toNanos(), TimeUnit.NANOSECONDS)) {
                done.completeExceptionally(new IllegalStateException("the event queue stayed full for " + forRoom));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(e);
        } finally {
            door.readLock().unlock();
        }
        return done;
    }

    /**
     * Drops every event accepted and not yet stored (the history is being forgotten: written after its erasure, they
     * would outlive it); completes with how many once the consumer has dropped those it held. Events offered after
     * this call are kept (one offered during it may go either way). Never blocks an offer: the queue's events are
     * removed, then a marker queued, on which the consumer drops what it holds. Completes exceptionally when the
     * pipeline is closed.
     */
    public CompletableFuture<Integer> discardWaiting() {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        int removed = 0;
        for (int attempt = 0; running && attempt < 3; attempt++) {
            int[] n = {0}; // counted as removed: the queue tests each element once, under its lock
            queue.removeIf(o -> {
                boolean event = o instanceof UsageEvent;
                n[0] += event ? 1 : 0;
                return event;
            });
            removed += n[0];
            if (queue.offer(new Discard(done, removed))) { // room: the events just removed made it
                return done;
            }
        }
        done.completeExceptionally(new IllegalStateException(running ? "the event queue stayed full"
                : "the event pipeline is closed"));
        return done;
    }

    private void run() {
        List<UsageEvent> batch = new ArrayList<>();
        List<CompletableFuture<?>> waiters = new ArrayList<>();
        long firstPending = -1;
        while (!sealed || !queue.isEmpty()) {
            Object item = null;
            try {
                if (firstPending < 0) {
                    item = queue.take(); // nothing to write: sleep until an event, a flush or close's wake-up
                } else if (batch.size() < capacity) {
                    item = queue.poll(untilFlush(firstPending), TimeUnit.MILLISECONDS);
                } else if (sealed) {
                    break; // closing with the store still failing: what waits is lost, as at a crash
                } else if (queue.peek() != null && !(queue.peek() instanceof UsageEvent)) {
                    item = queue.poll(); // a flush or a discard, which take no room: the events stay queued
                } else {
                    Thread.sleep(untilFlush(firstPending)); // the store is failing and the queue is full: take no more
                }
            } catch (InterruptedException e) { // nothing interrupts it; were anything to, it would stop as at close
                running = false;
                sealed = true;
                continue;
            }
            if (item instanceof UsageEvent event) {
                for (Consumer<UsageEvent> o : observers) {
                    try {
                        o.accept(event);
                    } catch (RuntimeException ex) {
                        LOG.log(Level.WARNING, new WarmupException(ErrorCode.WMP_8007, "learning from a usage event: "
                                + ex).getMessage(), ex);
                    }
                }
                batch.add(event);
                if (firstPending < 0) {
                    firstPending = monotonicMillis();
                }
            } else if (item instanceof CompletableFuture<?> f) {
                waiters.add(f);
            } else if (item instanceof Discard d) {
                int dropped = batch.size() + d.removed();
                batch.clear();
                firstPending = -1;
                d.done().complete(dropped);
            }
            boolean due = firstPending >= 0 && monotonicMillis() - firstPending >= FLUSH_MILLIS;
            if (!batch.isEmpty() && (due || batch.size() >= MAX_BATCH || !waiters.isEmpty() || !running)) {
                if (write(batch)) {
                    batch.clear();
                    firstPending = -1;
                } else {
                    firstPending = monotonicMillis();
                }
            }
            if (batch.isEmpty() && !waiters.isEmpty()) {
                waiters.forEach(w -> w.complete(null));
                waiters.clear();
            }
        }
        queue.forEach(left -> { // what the consumer did not take, when it stopped with the store failing
            if (left instanceof CompletableFuture<?> f) {
                waiters.add(f);
            }
        });
        if (batch.isEmpty() || write(batch)) {
            waiters.forEach(w -> w.complete(null));
            return;
        }
        long lost = batch.size() + queue.stream().filter(UsageEvent.class::isInstance).count();
        WarmupException why = new WarmupException(ErrorCode.WMP_7002, "closing with the store still failing: " + lost
                + " usage events not stored");
        LOG.warning(why.getMessage());
        waiters.forEach(w -> w.completeExceptionally(why));
    }

    /** Writes {@code batch} a transaction of at most {@value #MAX_BATCH} at a time, removing what was written. */
    private boolean write(List<UsageEvent> batch) {
        while (!batch.isEmpty()) {
            List<UsageEvent> chunk = batch.subList(0, Math.min(MAX_BATCH, batch.size()));
            long t0 = System.nanoTime();
            try {
                store.append(chunk);
                metrics.storeWrite(System.nanoTime() - t0);
                chunk.clear();
                failures.written();
            } catch (SQLException e) {
                metrics.storeFailed();
                failures.failed(e.getMessage(),
                        () -> batch.size() + (int) queue.stream().filter(UsageEvent.class::isInstance).count());
                return false;
            }
        }
        return true;
    }

    /** Whether the consumer thread still runs (tests: it ends at close). */
    boolean consumerRunning() {
        return consumer.isAlive();
    }

    /**
     * Milliseconds since this class was loaded, for the pipeline's own waits: the monotonic clock, as the wall clock
     * set back an hour held every event unwritten for that hour (and a warning back for as long).
     */
    private static long monotonicMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ORIGIN_NANOS);
    }

    /** Milliseconds until the events pending since {@code firstPending} are due to be written (at least 1). */
    private static long untilFlush(long firstPending) {
        return Math.max(1, firstPending + FLUSH_MILLIS - monotonicMillis());
    }

    /**
     * Stops after writing what is queued, including what an offer or a flush under way as it is called queues (a
     * flush waiting for room holds it up to the {@code forRoom} it was given).
     */
    @Override
    public void close() {
        running = false; // offers and flushes from now on are refused
        door.writeLock().lock(); // those past their check have queued their item
        sealed = true;
        door.writeLock().unlock();
        queue.offer(WAKE); // a full queue needs none: the consumer is not waiting
        try {
            consumer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
