package dev.warmup.server.store;

import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hourly upkeep of the store (and at once when {@code historyDays} is lowered): drops raw events older than
 * {@code historyDays}, and the damaged files set aside once their last write is, forgets what exited servers wanted
 * ({@link ModelOwners}) and snapshots the metrics. Once per
 * store, it also rewrites the free pages of a file written before the store deleted securely, which still hold the
 * rows retention deleted then.
 */
@Singleton
public final class StoreMaintenance implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StoreMaintenance.class.getName());
    /** Meta key: when the file's free pages were rewritten (see the class comment). */
    static final String SCRUBBED = "free_pages_scrubbed_at";

    private final UsageStore store;
    private final ConfigurationManager config;
    private final ModelWarmupMetrics metrics;
    private final Clock clock;
    private final ModelOwners owners;
    private final DataDirectory data;
    private ScheduledExecutorService timer;

    @Inject
    public StoreMaintenance(UsageStore store, ConfigurationManager config, ModelWarmupMetrics metrics, Clock clock,
                            ModelOwners owners, DataDirectory data) {
        this.owners = owners;
        this.data = data;
        this.store = store;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    public synchronized void start() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "warmup-store-maintenance");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::runOnce, 1, 60, TimeUnit.MINUTES);
            java.util.concurrent.atomic.AtomicInteger days = new java.util.concurrent.atomic.AtomicInteger(
                    config.current().historyDays());
            config.addListener(s -> {
                if (s.historyDays() < days.getAndSet(s.historyDays())) { // fewer days kept: pruned now, not in the hour
                    try {
                        timer.execute(this::runOnce);
                    } catch (java.util.concurrent.RejectedExecutionException closed) {
                        // the server is stopping: no more rounds
                    }
                }
            });
        }
    }

    /** Completes once the rounds asked for so far have run; for tests. */
    synchronized java.util.concurrent.CompletableFuture<Void> settled() {
        return java.util.concurrent.CompletableFuture.runAsync(() -> { }, timer);
    }

    /** One round: prune by retention, then snapshot the metrics. Returns the number of events pruned. */
    public int runOnce() {
        long now = clock.millis();
        try {
            long cutoff = now - Duration.ofDays(config.current().historyDays()).toMillis();
            int pruned = store.prune(cutoff);
            expireSetAside(cutoff);
            scrubOnce(now);
            owners.forgetExitedWants();
            store.saveMetricsSnapshot(now, metrics.toJson().toString());
            return pruned;
        } catch (SQLException e) {
            LOG.warning(new WarmupException(ErrorCode.WMP_7002, "maintenance: " + e.getMessage()).getMessage());
            return 0;
        } catch (RuntimeException e) { // thrown out of a scheduled run, it would have ended every later one
            LOG.log(Level.WARNING, new WarmupException(ErrorCode.WMP_8007, "store maintenance: " + e).getMessage(), e);
            return 0;
        }
    }

    /**
     * Deletes the damaged files set aside whose last write is older than {@code cutoff}: every event they hold is past
     * {@code historyDays} then, and retention drops those from the store (before, such copies were kept for good).
     */
    private void expireSetAside(long cutoff) {
        try {
            for (Path f : data.setAside()) {
                if (Files.getLastModifiedTime(f).toMillis() < cutoff && Files.deleteIfExists(f)) {
                    LOG.info("deleted " + f + ", set aside as damaged: what it holds is older than historyDays");
                }
            }
        } catch (IOException e) {
            LOG.fine("damaged files set aside not expired this round: " + e);
        }
    }

    /** Rewrites the free pages once (see the class comment); if another server holds the file, at a later round. */
    private void scrubOnce(long now) throws SQLException {
        if (store.meta(SCRUBBED).isPresent()) {
            return;
        }
        long free = store.query("PRAGMA freelist_count", java.util.List.of(), rs -> rs.getLong(1));
        String failed = free == 0 ? null : HistoryEraser.compact(store);
        if (failed == null) {
            store.putMeta(SCRUBBED, Long.toString(now));
        } else {
            LOG.fine("free pages not rewritten yet: " + failed);
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
