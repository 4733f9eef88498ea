package dev.warmup.server.scheduler;

import dev.warmup.server.backend.ModelBackend;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Asks the model servers what they have loaded: all at once, waiting {@value #LOOK_MILLIS} ms for them in all, so
 * that one that is hung (or its machine swapping) holds up neither the others nor the loads; one whose last look is
 * still unanswered is not asked again. An answer that comes after the wait is still taken when it comes, unless
 * our loads or unloads changed something since it was asked (it could then miss a model we just loaded), at once
 * or by the next tick: a model server always slower than the wait is still seen. A look that fails (refused, an
 * error, the backend's own timeout) is told to the taker with the next answer: its model server answers again. A
 * model server that refuses the connection is not running, and has nothing loaded: the taker is told at once, and
 * at each look while its circuit breaker pauses the calls after that (logged once, until it answers). Any other
 * model server that leaves a look unanswered within the wait, or fails it, is told to {@link ModelServerSilence}
 * until it answers. Used on the scheduler's thread only; late answers come back on it through {@code executor}.
 */
final class ModelServerLooks {
    /** How long a tick waits for the model servers' lists, all asked at once. */
    static final long LOOK_MILLIS = 10_000;
    private static final Logger LOG = Logger.getLogger(ModelServerLooks.class.getName());

    /** What is done with a model server's list. */
    interface Taker {
        /**
         * {@code server}, named {@code backend}, has {@code loaded}; {@code again}: its last look failed;
         * {@code down}: it is not running, and so has nothing loaded.
         */
        void take(String backend, ModelBackend server, List<ModelBackend.LoadedModel> loaded, boolean again,
                  boolean down);
    }

    /** One question to one model server, and whether its answer has been taken. */
    private static final class Look {
        final ModelBackend server;
        final CompletableFuture<List<ModelBackend.LoadedModel>> answer;
        final long changesWhenAsked;
        final long askedAtMillis;
        boolean taken; // its answer, or its failure, has been told: by the tick or by the late-answer hook, not both

        Look(ModelBackend server, long changesWhenAsked, long askedAtMillis) {
            this.server = server;
            this.answer = server.loaded();
            this.changesWhenAsked = changesWhenAsked;
            this.askedAtMillis = askedAtMillis;
        }
    }

    private final Supplier<Map<String, ModelBackend>> servers;
    private final Executor executor;
    private final Taker taker;
    private final ModelServerSilence silence;
    private final LongSupplier clock;
    private long lookMillis = LOOK_MILLIS;
    private long changes; // our loads' and unloads' starts and ends so far
    private Map<String, Look> looking = Map.of(); // the last look at each model server
    private final Set<String> unanswered = new HashSet<>(); // backends whose last look failed (not: was late)
    private final Set<String> down = new HashSet<>(); // backends not running: refused at their last call sent

    /** {@code servers}: the model servers configured now, by name; {@code clock}: the time of day, in ms. */
    ModelServerLooks(Supplier<Map<String, ModelBackend>> servers, Executor executor, Taker taker,
                     ModelServerSilence silence, LongSupplier clock) {
        this.servers = servers;
        this.executor = executor;
        this.taker = taker;
        this.silence = silence;
        this.clock = clock;
    }

    /** Tests with a model server that never answers wait this long for it instead of {@link #LOOK_MILLIS}. */
    void lookMillis(long millis) {
        lookMillis = millis;
    }

    /** A load or unload of ours started or ended: a list asked for before it may be out of date. */
    void changed() {
        changes++;
    }

    /** Looks at every model server, handing each answer that comes within the wait to the taker. */
    void look() {
        Map<String, ModelBackend> now = servers.get(); // one set for the whole look, settings change or not
        Map<String, Look> looks = new LinkedHashMap<>();
        now.forEach((name, server) -> {
            Look pending = looking.get(name);
            looks.put(name, pending != null && pending.server == server
                    && (!pending.answer.isDone() || usable(pending)) ? pending : ask(name, server));
        });
        looking = looks;
        silence.retain(now.keySet());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lookMillis); // the network's time
        for (Map.Entry<String, Look> e : looks.entrySet()) {
            Look look = e.getValue();
            List<ModelBackend.LoadedModel> loaded;
            try {
                loaded = look.answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException late) {
                silence.unanswered(e.getKey(), look.askedAtMillis); // hung, or slow: taken if it comes
                continue; // keep our view meanwhile
            } catch (Exception failed) {
                failed(e.getKey(), look, failed instanceof ExecutionException x ? x.getCause() : failed);
                continue;
            }
            take(e.getKey(), look, loaded);
        }
    }

    private Look ask(String name, ModelBackend server) {
        Look look = new Look(server, changes, clock.getAsLong());
        look.answer.whenCompleteAsync((loaded, error) -> { // a late answer, if no tick took it
            boolean current = looking.get(name) == look && servers.get().get(name) == server;
            if (error != null) {
                if (current) {
                    failed(name, look, error);
                } else {
                    unanswered.add(name);
                }
            } else if (current) {
                // it answers, whether or not a change of ours since makes the list stale
                silence.answered(name, clock.getAsLong());
                if (usable(look)) {
                    take(name, look, loaded);
                }
            }
        }, executor);
        return look;
    }

    /** Whether a look's answer is in, not yet taken, and asked for after our last load's or unload's start or end. */
    private boolean usable(Look look) {
        return look.answer.isDone() && !look.answer.isCompletedExceptionally() && !look.taken
                && look.changesWhenAsked == changes;
    }

    /**
     * A look failed with {@code failure} (told once, though both the tick and the late-answer hook see it): if its
     * model server is not running, the taker is told; otherwise it is silent, and our view stays. The circuit breaker
     * counts it.
     */
    private void failed(String name, Look look, Throwable failure) {
        unanswered.add(name);
        if (look.taken) {
            return; // a use reported since the first telling must not be undone by a second
        }
        look.taken = true;
        ModelBackend server = look.server;
        if (ModelBackend.notRunning(failure) || down.contains(name) && ModelBackend.paused(failure)) {
            silence.answered(name, clock.getAsLong()); // what it has loaded is known: nothing
            if (down.add(name)) {
                LOG.info("model server " + name + " is not running (" + WarmupException.coded(failure,
                        ErrorCode.WMP_8004).detail() + "): none of its models is taken for loaded until it answers");
            }
            taker.take(name, server, List.of(), false, true);
        } else {
            down.remove(name);
            silence.unanswered(name, look.askedAtMillis);
        }
    }

    private void take(String name, Look look, List<ModelBackend.LoadedModel> loaded) {
        down.remove(name);
        silence.answered(name, clock.getAsLong());
        look.taken = true;
        taker.take(name, look.server, loaded, unanswered.remove(name), false);
    }
}
