package dev.warmup.server.metrics;

import com.google.gson.JsonObject;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's metrics: what was recorded and dropped, store and request latency, warm-up outcomes, hits and
 * misses, warm memory over time, and what the server itself costs ({@link ServerFootprint}). Counting is lock-free;
 * {@link #toJson()} assembles the report that {@code warmup.metrics} and {@code warmup/metrics} return.
 */
@Singleton
public final class ModelWarmupMetrics {
    /** Warm-up outcomes counted by the scheduler. */
    public enum Warmup { started, succeeded, failed, timedOut, cancelled, wasted }

    /** The named counters, reported under {@code counters} by {@link #toJson()}, each once it has counted. */
    public enum Counter {
        /** A queued warm-up shed by a full queue (WMP-5001). */
        QUEUE_SHED("queue.shed"),
        /** A warm model unloaded because the machine ran short of memory (WMP-4001). */
        EMERGENCY_UNLOADS("emergencyUnloads"),
        /** A kept model asked for again so that its model server's keep-alive does not drop it. */
        KEEP_ALIVE_RENEWALS("keepAliveRenewals"),
        /** A request seen on a model server that no editor reported, recorded as a use. */
        INFERRED_USES("inferredUses");

        /** Its name in the report. */
        public final String json;

        Counter(String json) {
            this.json = json;
        }
    }

    private final Clock clock;
    private final UsageStore store;
    private final DataDirectory dataDirectory;
    private final long startMillis;
    private final Map<EventKind, LongAdder> recorded = new EnumMap<>(EventKind.class);
    private final LongAdder dropped = new LongAdder();
    private final LongAdder storeFailures = new LongAdder();
    private final Map<Warmup, LongAdder> warmups = new EnumMap<>(Warmup.class);
    private final Map<Counter, LongAdder> counters = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LatencyHistogram storeWrite = new LatencyHistogram();
    private final LatencyHistogram request = new LatencyHistogram();
    private final WarmMemoryIntegral warmMemory = new WarmMemoryIntegral();
    private final ServerFootprint footprint = new ServerFootprint();

    @Inject
    public ModelWarmupMetrics(Clock clock, UsageStore store, DataDirectory dataDirectory) {
        this.clock = clock;
        this.store = store;
        this.dataDirectory = dataDirectory;
        this.startMillis = clock.millis();
        for (EventKind k : EventKind.values()) {
            recorded.put(k, new LongAdder());
        }
        for (Warmup w : Warmup.values()) {
            warmups.put(w, new LongAdder());
        }
    }

    public void eventRecorded(EventKind kind) { recorded.get(kind).increment(); }
    public void eventDropped() { dropped.increment(); }
    public void storeFailed() { storeFailures.increment(); }
    public void storeWrite(long nanos) { storeWrite.recordNanos(nanos); }
    public void request(long nanos) { request.recordNanos(nanos); }
    public void warmup(Warmup outcome) { warmups.get(outcome).increment(); }
    public void hit() { hits.increment(); }
    public void miss() { misses.increment(); }
    public void warmMemoryMb(long totalMb) { warmMemory.set(totalMb, clock.millis()); }

    /** Counts one under {@code counter}. */
    public void increment(Counter counter) {
        counters.computeIfAbsent(counter, c -> new LongAdder()).increment();
    }

    /**
     * Forgets what this process counted of the developer's activity (the history is forgotten: a later metrics
     * snapshot would otherwise store it again): events recorded, warm-ups, hits and misses, the named counters, warm
     * GB·h. What the server itself did stays (latencies, store failures, drops, its own cost).
     */
    public void forgetUsage() {
        recorded.values().forEach(LongAdder::reset);
        warmups.values().forEach(LongAdder::reset);
        counters.clear();
        hits.reset();
        misses.reset();
        warmMemory.restart(clock.millis());
    }

    public long eventsDropped() { return dropped.sum(); }
    public long eventsRecorded(EventKind kind) { return recorded.get(kind).sum(); }

    /** The metrics report. */
    public JsonObject toJson() {
        long now = clock.millis();
        JsonObject o = new JsonObject();
        try {
            o.addProperty("eventsStored", store.eventsStoredTotal());
            o.addProperty("eventsInStore", store.eventCount());
        } catch (SQLException e) {
            o.addProperty("eventsStored", -1);
            o.addProperty("storeError", e.getMessage());
        }
        JsonObject byKind = new JsonObject();
        long total = 0;
        for (Map.Entry<EventKind, LongAdder> e : recorded.entrySet()) {
            long n = e.getValue().sum();
            total += n;
            byKind.addProperty(e.getKey().name().toLowerCase(java.util.Locale.ROOT), n);
        }
        byKind.addProperty("total", total);
        o.add("eventsRecorded", byKind);
        o.addProperty("eventsDropped", dropped.sum());
        o.addProperty("storeWriteFailures", storeFailures.sum());
        o.add("storeWriteLatency", storeWrite.toJson());
        o.add("requestLatency", request.toJson());
        JsonObject w = new JsonObject();
        warmups.forEach((k, v) -> w.addProperty(k.name(), v.sum()));
        o.add("warmups", w);
        o.addProperty("hits", hits.sum());
        o.addProperty("misses", misses.sum());
        o.addProperty("warmGbHours", Math.round(warmMemory.gbHours(now) * 1e6) / 1e6);
        JsonObject c = new JsonObject();
        counters.forEach((k, v) -> c.addProperty(k.json, v.sum()));
        o.add("counters", c);
        o.addProperty("uptimeSeconds", (now - startMillis) / 1000.0);
        o.add("process", footprint.toJson());
        o.addProperty("dataDirectory", dataDirectory.root().toString());
        o.addProperty("dataDirectoryBytes", dataDirectory.sizeBytes());
        return o;
    }
}
