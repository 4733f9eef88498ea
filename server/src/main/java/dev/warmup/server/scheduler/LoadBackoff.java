package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * When a model may not be loaded: after a failed load, 30 s, then 60 s, then after {@value #MAX_ATTEMPTS} failures
 * in a row (WMP-3002) every {@value #GIVEN_UP_RETRY_MILLIS} ms, sooner when its model server answers again after not
 * answering, the editor registers its loader ({@code warmup/loaderReady}) or the settings change; and for
 * {@value #EVICTED_HOLD_OFF_MILLIS} ms after its model server unloaded it without our asking (twice that after a
 * second such unload within the hour, and so on, up to an hour). A load that fails after its backend said it can load
 * again, but was sent before that, does not count: it went where no loader was yet, and the model is tried again at
 * once. Failed and held-off models show their next try in {@link ModelStates}. Used on the scheduler's thread only.
 */
final class LoadBackoff {
    private static final Logger LOG = Logger.getLogger(LoadBackoff.class.getName());
    static final int MAX_ATTEMPTS = 3;
    /** After {@link #MAX_ATTEMPTS} failures in a row a model is tried this seldom (and its failures logged quietly). */
    static final long GIVEN_UP_RETRY_MILLIS = 600_000;
    /**
     * A warm model its model server unloaded without our asking (Ollama making room for a model the developer
     * asked for, a person's {@code ollama stop}) is not loaded again by us for this long: loading it straight back
     * would evict the model in use, or undo what the person did.
     */
    static final long EVICTED_HOLD_OFF_MILLIS = 300_000;
    /**
     * Each further such unload within this long of the last doubles the hold-off (up to this long): a model server
     * that keeps making room (Ollama with room for one model, the developer's model and ours taking turns) is
     * fought less and less.
     */
    static final long EVICTED_MEMORY_MILLIS = 3_600_000;

    private final ModelStates states;
    private final Clock clock;
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    private final Map<String, Long> evictedUntil = new HashMap<>();
    private final Map<String, Long> lastEvicted = new HashMap<>();
    private final Map<String, Integer> evictions = new HashMap<>(); // in a row, each within the memory of the last
    private final Map<String, Long> readiness = new HashMap<>(); // the model's backend said it can load: how often

    LoadBackoff(ModelStates states, Clock clock) {
        this.states = states;
        this.clock = clock;
    }

    /** Whether a load of the model must wait at {@code now}. */
    boolean holdsOff(String modelId, long now) {
        return retryAt.getOrDefault(modelId, Long.MIN_VALUE) > now
                || evictedUntil.getOrDefault(modelId, Long.MIN_VALUE) > now;
    }

    /** How often the model's backend has said it can load again so far: taken when a load is sent. */
    long readiness(String modelId) {
        return readiness.getOrDefault(modelId, 0L);
    }

    /**
     * A load sent when {@link #readiness} was {@code readinessWhenSent} failed with {@code e}. Returns whether the
     * failure counts: if the backend has said since that it can load again, the model is marked failed but may be
     * tried again at once, and the caller should plan again.
     */
    boolean failed(ModelSpec m, WarmupException e, long readinessWhenSent) {
        if (readiness(m.id()) != readinessWhenSent) {
            states.failed(m.id(), e.getMessage(), Long.MIN_VALUE);
            LOG.info(e.getMessage() + "; the load was sent before its backend could load again: tried again at once");
            return false;
        }
        failed(m, e);
        return true;
    }

    /** A load failed with {@code e}: the model is marked failed, with when it is tried next. */
    void failed(ModelSpec m, WarmupException e) {
        int n = failures.merge(m.id(), 1, Integer::sum);
        long wait = n >= MAX_ATTEMPTS ? GIVEN_UP_RETRY_MILLIS : 30_000L << (n - 1);
        retryAt.put(m.id(), clock.millis() + wait);
        states.failed(m.id(), e.getMessage(), clock.millis() + wait);
        if (n < MAX_ATTEMPTS) {
            LOG.warning(e.getMessage());
        } else if (n == MAX_ATTEMPTS) {
            LOG.warning(new WarmupException(ErrorCode.WMP_3002, m.id() + ": " + e.getMessage() + "; tried again every "
                    + GIVEN_UP_RETRY_MILLIS / 60_000 + " minutes, and at once when its model server answers after not"
                    + " answering, the editor registers its loader or the settings change").getMessage());
        } else {
            LOG.fine(e.getMessage());
        }
    }

    /** A load succeeded: failures so far are forgotten. */
    void loaded(String modelId) {
        failures.remove(modelId);
    }

    /** Its model server lists the model: a hold-off for an unload of its own is over. */
    void listed(String modelId) {
        evictedUntil.remove(modelId);
    }

    /** Its model server {@code backend} unloaded the model without our asking. */
    void evicted(String modelId, String backend, long now) {
        Long last = lastEvicted.put(modelId, now);
        int n = last != null && now - last < EVICTED_MEMORY_MILLIS ? evictions.getOrDefault(modelId, 0) + 1 : 1;
        evictions.put(modelId, n);
        long hold = Math.min(EVICTED_HOLD_OFF_MILLIS << Math.min(n - 1, 10), EVICTED_MEMORY_MILLIS);
        evictedUntil.put(modelId, now + hold);
        states.heldOff(modelId, now + hold);
        LOG.info(modelId + " was unloaded by its model server (" + backend + ") without our asking"
                + (n > 1 ? ", " + n + " times in a row" : "") + ": not warmed again by us for " + hold / 60_000
                + " minutes");
    }

    /**
     * The backend of {@code models} can load again (a model server answers after it did not; the editor registered
     * its loader): their failed loads may be tried again at once. {@code news} says which, for the log.
     */
    void answersAgain(List<ModelSpec> models, String news) {
        boolean forgot = false;
        for (ModelSpec m : models) {
            readiness.merge(m.id(), 1L, Long::sum);
            forgot |= failures.remove(m.id()) != null;
            retryAt.remove(m.id());
            states.retryNow(m.id());
        }
        if (forgot) {
            LOG.info(news + ": its models' failed loads are tried again");
        }
    }

    /** The catalogue or the settings changed: failed models may be tried again at once. */
    void forgetAll() {
        failures.clear();
        retryAt.keySet().forEach(states::retryNow);
        retryAt.clear();
    }
}
