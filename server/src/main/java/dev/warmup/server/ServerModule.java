package dev.warmup.server;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.lsp.ExitHandler;
import dev.warmup.server.lsp.WarmupProtocolService;
import dev.warmup.server.lsp.Workers;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.queue.WarmupQueue;
import dev.warmup.server.scheduler.WarmupController;
import dev.warmup.server.scheduler.WarmupCoordinator;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.ProcessTable;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventPipeline;
import dev.warmup.server.usage.UriHasher;
import dev.warmup.server.resources.ModelServerProbe;
import dev.warmup.server.resources.SystemProbe;
import dev.warmup.server.usage.PatternQuery;
import dev.warmup.server.usage.UsageStatsQuery;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Production wiring. Tests override single bindings with {@code Modules.override(new ServerModule(...))}. */
public class ServerModule extends AbstractModule {
    /** Queue capacity of the event pipeline; beyond it events are dropped and counted. */
    static final int EVENT_QUEUE_CAPACITY = 50_000;
    /** A queued warm-up gains a priority rank for each minute it waits. */
    static final long WARMUP_AGING_MILLIS = 60_000;

    private final DataDirectory dataDirectory;

    public ServerModule(DataDirectory dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    @Override
    protected void configure() {
        bind(DataDirectory.class).toInstance(dataDirectory);
        bind(Clock.class).toInstance(SteadyClock.system()); // never back: see SteadyClock
        bind(WarmupController.class).to(WarmupCoordinator.class);
        bind(ExitHandler.class).toInstance(System::exit);
        bind(SystemProbe.class).to(ModelServerProbe.class);
        bind(ProcessTable.class).toInstance(ProcessTable.os());
    }

    @Provides
    @Singleton
    UsageStore store(DataDirectory dir, Clock clock) {
        UsageStore store = UsageStore.open(dir.resolve("usage.db"), clock.getZone());
        try { // before anything is recorded: a history that ends ahead of the system clock is gone on from
            store.latestEventAt().ifPresent(at -> SteadyClock.notBefore(clock, at,
                    WarmupProtocolService.MAX_AHEAD_MILLIS));
        } catch (SQLException unreadable) {
            // said where the history is read (WMP-7004); the system clock is followed
        }
        return store;
    }

    @Provides
    @Singleton
    UriHasher hasher(DataDirectory dir) {
        return UriHasher.fromFile(dir.resolve("uri-salt"));
    }

    @Provides
    @Singleton
    EventPipeline pipeline(UsageStore store, ModelWarmupMetrics metrics) {
        return new EventPipeline(EVENT_QUEUE_CAPACITY, store, metrics);
    }

    @Provides
    @Singleton
    UsageStatsQuery statsQuery(UsageStore store, Clock clock) {
        return new UsageStatsQuery(store, clock.getZone());
    }

    /** The scheduler's queue, shared with the status, which says when its warm-ups wait for the CPU. */
    @Provides
    @Singleton
    WarmupQueue warmupQueue(Clock clock, ConfigurationManager config) {
        return new WarmupQueue(clock, config.current().maxQueueSize(), WARMUP_AGING_MILLIS);
    }

    @Provides
    PatternQuery patternQuery(UsageStore store, Clock clock) {
        return new PatternQuery(store, clock.getZone());
    }

    @Provides
    @Singleton
    @Workers
    ExecutorService workers() {
        return Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "warmup-worker");
            t.setDaemon(true);
            return t;
        });
    }
}
