package dev.warmup.server.scheduler;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Since when each model server has not said what it has loaded: the ask of the first look at it that went unanswered
 * (hung, or slower than a tick waits) or failed (an error, its circuit breaker pausing the calls) since it last
 * answered. A model server that refuses the connection is not silent: it is not running, and has nothing loaded.
 * Written by {@link ModelServerLooks} on the scheduler's thread; read by the status, which shows the models of a
 * model server silent for {@value #SHOWN_AFTER_MILLIS} ms or more as last seen, and since when (one a little slower
 * than a tick waits, but answering, is never called silent), and by the scheduler, which ticks when that is due.
 */
@Singleton
public final class ModelServerSilence {
    /** How long a model server must have been silent for the status to say so. */
    public static final long SHOWN_AFTER_MILLIS = 30_000;
    private final Map<String, Long> since = new ConcurrentHashMap<>();
    private volatile Runnable onUnmarked = () -> { };

    /**
     * {@code r} runs (on the thread that heard it) when a model server whose models the status marked as last seen
     * answers, so that the editor hears at once that the mark is gone.
     */
    void onUnmarked(Runnable r) {
        onUnmarked = r;
    }

    /** A look at {@code backend} asked at {@code askedAtMillis} went unanswered, or failed. */
    void unanswered(String backend, long askedAtMillis) {
        since.merge(backend, askedAtMillis, Math::min);
    }

    /** {@code backend} answered a look at {@code nowMillis}, or is known not to be running. */
    void answered(String backend, long nowMillis) {
        Long at = since.remove(backend);
        if (at != null && nowMillis - at >= SHOWN_AFTER_MILLIS) {
            onUnmarked.run();
        }
    }

    /** Only the model servers configured now are followed. */
    void retain(Set<String> backends) {
        since.keySet().retainAll(backends);
    }

    /**
     * When the next model server silent now becomes shown as silent, later than {@code nowMillis} (Long.MAX_VALUE:
     * none will): the scheduler ticks then, so that the editor hears of it when it is due.
     */
    long nextShownAt(long nowMillis) {
        return since.values().stream().mapToLong(at -> at + SHOWN_AFTER_MILLIS).filter(t -> t > nowMillis).min()
                .orElse(Long.MAX_VALUE);
    }

    /**
     * Since when {@code backend} has not said what it has loaded, if it has been silent {@value #SHOWN_AFTER_MILLIS}
     * ms or more at {@code nowMillis}.
     */
    public OptionalLong silentSince(String backend, long nowMillis) {
        Long at = backend == null ? null : since.get(backend);
        return at != null && nowMillis - at >= SHOWN_AFTER_MILLIS ? OptionalLong.of(at) : OptionalLong.empty();
    }
}
