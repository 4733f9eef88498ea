package dev.warmup.server.scheduler;

import dev.warmup.server.backend.ModelBackend;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Asks the model servers what they have loaded: all at once, waiting {@value #LOOK_MILLIS} ms for them in all, so
 * that one that is hung (or its machine swapping) holds up neither the others nor the loads; one whose last look is
 * still unanswered is not asked again. An answer that comes after the wait is still taken when it comes, unless
 * our loads or unloads changed something since it was asked (it could then miss a model we just loaded), at once
 * or by the next tick: a model server always slower than the wait is still seen. Used on the scheduler's thread only; late answers come back on
 * it through {@code executor}.
 */
final class ModelServerLooks {
    /** How long a tick waits for the model servers' lists, all asked at once. */
    static final long LOOK_MILLIS = 10_000;

    /** What is done with a model server's list. */
    interface Taker {
        /** {@code server}, named {@code backend}, has {@code loaded}; {@code again}: its last look went unanswered. */
        void take(String backend, ModelBackend server, List<ModelBackend.LoadedModel> loaded, boolean again);
    }

    /** One question to one model server, and whether its answer has been taken. */
    private static final class Look {
        final CompletableFuture<List<ModelBackend.LoadedModel>> answer;
        final long changesWhenAsked;
        boolean taken;

        Look(CompletableFuture<List<ModelBackend.LoadedModel>> answer, long changesWhenAsked) {
            this.answer = answer;
            this.changesWhenAsked = changesWhenAsked;
        }
    }

    private final Executor executor;
    private final Taker taker;
    private long lookMillis = LOOK_MILLIS;
    private long changes; // our loads' and unloads' starts and ends so far
    private Map<String, Look> looking = Map.of(); // the last look at each model server
    private final Set<String> unanswered = new HashSet<>(); // backends whose last look failed or was late

    ModelServerLooks(Executor executor, Taker taker) {
        this.executor = executor;
        this.taker = taker;
    }

    /** Tests with a model server that never answers wait this long for it instead of {@link #LOOK_MILLIS}. */
    void lookMillis(long millis) {
        lookMillis = millis;
    }

    /** A load or unload of ours started or ended: a list asked for before it may be out of date. */
    void changed() {
        changes++;
    }

    /** Looks at every one of {@code servers}, handing each answer that comes within the wait to the taker. */
    void look(Map<String, ModelBackend> servers) {
        Map<String, Look> looks = new LinkedHashMap<>();
        servers.forEach((name, server) -> {
            Look pending = looking.get(name);
            looks.put(name, pending != null && (!pending.answer.isDone() || usable(pending)) ? pending
                    : ask(name, server));
        });
        looking = looks;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lookMillis); // the network's time
        for (Map.Entry<String, ModelBackend> e : servers.entrySet()) {
            Look look = looks.get(e.getKey());
            List<ModelBackend.LoadedModel> loaded;
            try {
                loaded = look.answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception ex) {
                unanswered.add(e.getKey());
                continue; // unreachable or hung now: the circuit breaker counts it; keep our view
            }
            take(e.getKey(), e.getValue(), look, loaded);
        }
    }

    private Look ask(String name, ModelBackend server) {
        Look look = new Look(server.loaded(), changes);
        look.answer.whenCompleteAsync((loaded, error) -> { // a late answer, if no tick took it
            if (looking.get(name) == look && usable(look)) {
                take(name, server, look, loaded);
            }
        }, executor);
        return look;
    }

    /** Whether a look's answer is in, not yet taken, and asked for after our last load's or unload's start or end. */
    private boolean usable(Look look) {
        return look.answer.isDone() && !look.answer.isCompletedExceptionally() && !look.taken
                && look.changesWhenAsked == changes;
    }

    private void take(String name, ModelBackend server, Look look, List<ModelBackend.LoadedModel> loaded) {
        look.taken = true;
        taker.take(name, server, loaded, unanswered.remove(name));
    }
}
