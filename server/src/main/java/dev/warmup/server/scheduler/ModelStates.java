package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's view of each catalogue model: unloaded, loading, warm or failed, what it holds, when it was last used
 * and when its load started. Updated by the scheduler, the backends' reconciliation and client reports.
 */
@Singleton
public final class ModelStates {
    /** A model used this recently is in use: the scheduler never unloads it. */
    static final long IN_USE_MILLIS = 30_000;

    /** States as reported in {@code warmup/status}. */
    public enum State { unloaded, loading, warm, failed }

    /**
     * One model's entry. {@code servedSinceLoad} tells a wasted warm-up (unloaded before any use) from a useful one;
     * a failed one has its {@code error} and, when the scheduler set one, {@code retryAtMillis} (else Long.MIN_VALUE);
     * one this server unloaded has in {@code error} the reason it gave (null when something else unloaded it);
     * an unloaded one has a {@code retryAtMillis} while its model server's own unload holds it off. These are for the
     * status; the scheduler's {@code LoadBackoff} decides.
     */
    public record Entry(State state, int memoryMb, long lastUsedMillis, long loadStartedMillis, boolean servedSinceLoad,
                        String error, long retryAtMillis) {
        static Entry initial() {
            return new Entry(State.unloaded, 0, Long.MIN_VALUE, Long.MIN_VALUE, false, null, Long.MIN_VALUE);
        }

        /** Whether it served a request in the {@value ModelStates#IN_USE_MILLIS} ms before {@code now}. */
        boolean inUse(long now) {
            return lastUsedMillis != Long.MIN_VALUE && now - lastUsedMillis < IN_USE_MILLIS;
        }

        /** Where the model is, as the planner sees it (a failed load holds nothing: unloaded). */
        public WarmSetPlanner.Residency residency() {
            return switch (state) {
                case warm -> WarmSetPlanner.Residency.WARM;
                case loading -> WarmSetPlanner.Residency.LOADING;
                default -> WarmSetPlanner.Residency.UNLOADED;
            };
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public Entry get(String model) {
        return entries.getOrDefault(model, Entry.initial());
    }

    public Map<String, Entry> snapshot() {
        return Map.copyOf(entries);
    }

    public void loading(String model, int memoryMb, long at) {
        entries.compute(model, (k, e) -> {
            Entry c = e == null ? Entry.initial() : e;
            return new Entry(State.loading, memoryMb, c.lastUsedMillis(), at, false, null, Long.MIN_VALUE);
        });
    }

    public void warm(String model, int memoryMb) {
        entries.compute(model, (k, e) -> {
            Entry c = e == null ? Entry.initial() : e;
            long started = c.state() == State.loading || c.state() == State.warm ? c.loadStartedMillis() : Long.MIN_VALUE;
            return new Entry(State.warm, memoryMb, c.lastUsedMillis(), started, c.servedSinceLoad(), null,
                    Long.MIN_VALUE);
        });
    }

    /**
     * Failed, as a client reported it with no load of ours waiting (a report that answers one is the scheduler's):
     * a retry time the scheduler already set stays, as when a client reports one failure twice.
     */
    public void failed(String model, String error) {
        entries.compute(model, (k, e) -> {
            Entry c = e == null ? Entry.initial() : e;
            long retryAt = c.state() == State.failed ? c.retryAtMillis() : Long.MIN_VALUE;
            return new Entry(State.failed, 0, c.lastUsedMillis(), Long.MIN_VALUE, false, error, retryAt);
        });
    }

    /** Failed, to be tried again at {@code retryAtMillis} (Long.MIN_VALUE: whenever the plan wants it). */
    public void failed(String model, String error, long retryAtMillis) {
        entries.compute(model, (k, e) -> {
            Entry c = e == null ? Entry.initial() : e;
            return new Entry(State.failed, 0, c.lastUsedMillis(), Long.MIN_VALUE, false, error, retryAtMillis);
        });
    }

    /** A failed model's back-off is over: it is tried when the plan next wants it. */
    public void retryNow(String model) {
        entries.computeIfPresent(model, (k, e) -> e.state() != State.failed ? e : new Entry(State.failed, 0,
                e.lastUsedMillis(), Long.MIN_VALUE, false, e.error(), Long.MIN_VALUE));
    }

    /** An unloaded model is not loaded by us before {@code untilMillis}: its model server unloaded it by itself. */
    public void heldOff(String model, long untilMillis) {
        entries.computeIfPresent(model, (k, e) -> e.state() != State.unloaded ? e : new Entry(State.unloaded, 0,
                e.lastUsedMillis(), Long.MIN_VALUE, false, null, untilMillis));
    }

    /**
     * Marks unloaded; returns the entry as it was before. One already unloaded stays as it is (a report that it is
     * unloaded, such as the editor's answer to our {@code warmup/unload}, changes nothing: not the reason we gave,
     * nor a hold-off).
     */
    public Entry unloaded(String model) {
        return unloaded(model, null);
    }

    /**
     * Marks unloaded by this server for {@code reason}, which the status shows until the model is loaded again;
     * returns the entry as it was before. One already unloaded stays as it is.
     */
    public Entry unloaded(String model, String reason) {
        Entry before = get(model);
        entries.compute(model, (k, e) -> {
            Entry c = e == null ? Entry.initial() : e;
            return c.state() == State.unloaded ? c
                    : new Entry(State.unloaded, 0, c.lastUsedMillis(), Long.MIN_VALUE, false, reason, Long.MIN_VALUE);
        });
        return before;
    }

    /** A use of the model; returns whether it was warm (a hit). A use proves the model is loaded now. */
    public boolean used(String model, long at, int memoryMb) {
        boolean[] hit = {false};
        entries.compute(model, (k, e) -> {
            Entry c = e == null ? Entry.initial() : e;
            hit[0] = c.state() == State.warm;
            int mem = c.memoryMb() > 0 ? c.memoryMb() : memoryMb;
            long started = c.state() == State.unloaded || c.state() == State.failed ? at : c.loadStartedMillis();
            return new Entry(State.warm, mem, Math.max(at, c.lastUsedMillis()), started, true, null,
                    Long.MIN_VALUE);
        });
        return hit[0];
    }

    /** Memory held by models loading or warm, by this server's accounting. */
    public int heldMb() {
        return entries.values().stream().filter(ModelStates::holdsMemory).mapToInt(Entry::memoryMb).sum();
    }

    public long warmCount() {
        return entries.values().stream().filter(e -> e.state() == State.warm).count();
    }

    /** Models warm or loading: what counts toward {@code maxWarmModels} (a load in progress holds its place). */
    public long residentCount() {
        return entries.values().stream().filter(ModelStates::holdsMemory).count();
    }

    private static boolean holdsMemory(Entry e) {
        return e.state() == State.loading || e.state() == State.warm;
    }

    /** Forgets models no longer in the catalogue. */
    public void retain(Iterable<ModelSpec> catalogue) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        catalogue.forEach(m -> ids.add(m.id()));
        entries.keySet().retainAll(ids);
    }
}
