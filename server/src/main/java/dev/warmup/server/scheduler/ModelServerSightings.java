package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.backend.ModelBackend;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the reconciliations see of each model on its model server, and the requests in it that no load, renewal or
 * report of ours explains: a keep-alive that moved (each request to Ollama sets it anew), a newer request in the
 * server's own record (llama-swap's activity log), or a model that was absent at one look and loaded by someone at
 * the next. Such a request, unless a use reported to us explains it, is another program's: the model is left to it
 * ({@link Ownership#usedElsewhere}) and the use is recorded for the predictor ({@link InferredUses}). Our own loads
 * and renewals are told to it, so that they are not taken for requests, including one abandoned at the timeout that
 * the server finishes later (told from another program's load by its keep-alive where our load set one). Used on
 * the scheduler's thread only, by {@link BackendActions}.
 */
final class ModelServerSightings {
    /** How long after seeing a request a use reported to us still explains it (an editor reports once answered). */
    static final long USE_REPORT_MILLIS = 60_000;
    /** How long a load of ours abandoned at the timeout may still finish as ours. */
    static final long LATE_LOAD_MILLIS = 600_000;
    /**
     * How long after our unload a model server that says nothing of when it drops a model may still list it while its
     * process exits (llama.cpp's router lists it {@code loaded} until then).
     */
    static final long EXIT_MILLIS = 30_000;
    /**
     * How long after our unload a use the editor reports may still be of a request answered before it (an editor
     * reports a use once its answer is complete): one reported later was served by the model loaded again.
     */
    static final long REPORT_LAG_MILLIS = 2_000;

    /** How far two expiries may differ and be one (the model server's clock, and its rounding). */
    private static final long SLACK_MILLIS = 2_000;

    /**
     * Whether {@code expiry} is what a request that ended between {@code from} and {@code to}, asking for
     * {@code keepAliveMillis}, would have set.
     */
    private static boolean setBetween(long expiry, long from, long to, long keepAliveMillis) {
        return expiry >= from + keepAliveMillis - SLACK_MILLIS && expiry <= to + keepAliveMillis + SLACK_MILLIS;
    }

    /** Whether two expiries read of one model differ: it was asked for, or dropped, in between. */
    private static boolean moved(long expiry, long before) {
        return Math.abs(expiry - before) > SLACK_MILLIS;
    }

    /** A model server's keep-alive for a model: when it will drop it, as read at {@code readAt}. */
    private record KeepAlive(long expiresAt, long readAt) {}

    /**
     * A load of ours abandoned at the timeout at {@code abandonedAt}, started at {@code startedAt}, that asked the
     * model server to keep the model {@code keepAliveMillis} after it (-1: the server decides).
     */
    private record LateLoad(long startedAt, long abandonedAt, long keepAliveMillis) {
        /**
         * Whether {@code real}, found loaded at {@code now}, is this load finished late: its expiry lies within our
         * keep-alive after a finish between the load's start and now. Another program's request that loaded it
         * meanwhile set its own keep-alive (Ollama's default is 5 minutes, ours 30). Without a keep-alive to check, or
         * an expiry, the model is taken for ours.
         */
        boolean explains(ModelBackend.LoadedModel real, long now) {
            long expiry = real.expiresAtMillis();
            return keepAliveMillis < 0 || expiry <= 0 || setBetween(expiry, startedAt, now, keepAliveMillis);
        }
    }

    /** The newest request a model server recorded for a model ({@link ModelBackend.LoadedModel#newestRequest}). */
    private record NewestRequest(long id, long readAt) {}

    /**
     * A request seen at {@code seenAt}, made after the reading at {@code after}, not yet explained: a keep-alive that
     * moved or a newer request in the model server's record (the model was warm), or a model loaded by someone
     * ({@code cold}). {@code claimsModel}: the request says how long the model should stay (its keep-alive) or loaded
     * it, so the model is left to its program; a request in the server's record says neither, and the model stays
     * the plan's to unload as the model server's own timer would.
     */
    private record Moved(long after, long seenAt, boolean cold, boolean claimsModel) {}

    private final ModelStates states;
    private final Ownership ownership;
    private final InferredUses inferred;
    private final Map<String, KeepAlive> keepAlives = new HashMap<>(); // as the model servers last said
    private final Map<String, NewestRequest> newestRequests = new HashMap<>();
    private final Map<String, Moved> moved = new HashMap<>();
    private final Map<String, Long> absentAt = new HashMap<>(); // when a reconciliation last found it not loaded
    private final Map<String, LateLoad> lateLoads = new HashMap<>(); // our loads abandoned at the timeout
    private final Set<String> renewing = new HashSet<>();
    private final Map<String, Long> unloadedAt = new HashMap<>(); // our unloads, until seen gone or loaded again

    ModelServerSightings(ModelStates states, Ownership ownership, InferredUses inferred) {
        this.states = states;
        this.ownership = ownership;
        this.inferred = inferred;
    }

    /** We start loading {@code id}: its appearance is explained. */
    void loadStarted(String id) {
        unloadedAt.remove(id);
        absentAt.remove(id);
        lateLoads.remove(id);
    }

    /** Our load of {@code id} is done: our request set the keep-alive, so the next reading starts afresh. */
    void loadDone(String id) {
        keepAlives.remove(id);
    }

    /**
     * Our load of {@code id}, started at {@code startedAt}, was abandoned at the timeout: the model server may finish
     * it yet, as ours, keeping the model {@code keepAlive} after it (empty: as the server decides).
     */
    void loadAbandoned(String id, long startedAt, long now, Optional<Duration> keepAlive) {
        lateLoads.put(id, new LateLoad(startedAt, now, keepAlive.map(Duration::toMillis).orElse(-1L)));
    }

    boolean renewing(String id) {
        return renewing.contains(id);
    }

    void renewalStarted(String id) {
        renewing.add(id);
    }

    /**
     * Our renewal of {@code id} ended, done or not (one that failed at the timeout may land yet): the next reading
     * of its keep-alive starts afresh.
     */
    void renewalEnded(String id) {
        renewing.remove(id);
        keepAlives.remove(id);
    }

    /** Whether {@code id}'s model server said it would drop it within {@code marginMillis} of {@code now}. */
    boolean expiresWithin(String id, long now, long marginMillis) {
        KeepAlive k = keepAlives.get(id);
        return k != null && k.expiresAt() - now <= marginMillis;
    }

    /**
     * One reconciliation's look at {@code m} on its model server: {@code listed} is what the server lists for it
     * (empty: not listed), {@code ours} our state for it before the look, {@code keepAlive} what our loads ask the
     * server to keep it (empty: the server decides). Returns what is loaded of it: what is listed, unless it is on its
     * way out ({@link #leaving}).
     */
    Optional<ModelBackend.LoadedModel> look(ModelSpec m, Optional<ModelBackend.LoadedModel> listed,
                                            ModelStates.State ours, long now, Optional<Duration> keepAlive) {
        Optional<ModelBackend.LoadedModel> real = listed.filter(l -> !leaving(m, l, now));
        if (real.isPresent() == listed.isPresent()) {
            unloadedAt.remove(m.id()); // not on its way out: gone, or loaded again
        }
        LateLoad late = lateLoad(m.id(), now);
        if (real.isPresent()) {
            if (late != null) {
                lateLoads.remove(m.id());
                absentAt.remove(m.id());
                if (late.explains(real.get(), now)) { // our abandoned load finished after all, not someone's request
                    ownership.claim(m);
                } else if (!ownership.heldByAnotherServer(m.id())) { // someone's request loaded it meanwhile
                    moved.putIfAbsent(m.id(), new Moved(late.startedAt(), now, true, true));
                }
            }
            ownership.judge(m);
            Long absent = absentAt.remove(m.id());
            if (absent != null && ours != ModelStates.State.loading
                    && !ownership.heldByAnotherServer(m.id())) { // not another warm-up server's pre-warm
                moved.putIfAbsent(m.id(), new Moved(absent, now, true, true)); // someone's request loaded it
            }
        } else if (ours != ModelStates.State.loading) {
            ownership.released(m);
            if (late == null) {
                absentAt.put(m.id(), now);
            }
        }
        if (real.isPresent() && real.get().expiresAtMillis() > 0 && ours != ModelStates.State.loading) {
            // while our load runs its expiry tells nothing: Ollama lists a model it is still loading as expiring the
            // keep-alive from the moment of each look, and our load's end sets it anew (loadDone)
            readKeepAlive(m, real.get().expiresAtMillis(), now, keepAlive.map(Duration::toMillis).orElse(-1L));
        } else {
            keepAlives.remove(m.id());
        }
        if (real.isPresent() && real.get().newestRequest() >= 0) {
            readNewestRequest(m, real.get().newestRequest(), now);
        } else {
            newestRequests.remove(m.id());
        }
        if (real.isPresent()) {
            explain(m, now);
        } else {
            moved.remove(m.id());
        }
        return real;
    }

    /** Our unload of {@code id} was answered at {@code now}: it is {@link #leaving} until seen gone or loaded again. */
    void unloaded(String id, long now) {
        unloadedAt.put(id, now);
    }

    /**
     * Whether {@code real}, as its model server lists it at {@code now}, is on its way out rather than loaded. With an
     * expiry: it has come, and either we unloaded it or it was set so since our last reading. Ollama lists a model it
     * was asked to unload (by us, {@code ollama stop}), its expiry set to that moment, until the requests in flight on
     * it end, however long they take; while a request is answered its keep-alive timer stops, so one serving a request
     * past the expiry it listed before is still loaded, its expiry unchanged (and unmoved by our renewals, which clear
     * our reading). Without one: we unloaded it within {@value #EXIT_MILLIS} ms, the editor has reported no use of
     * it since (past {@value #REPORT_LAG_MILLIS} ms after: a request the router loaded it again for, which may well
     * come before a look sees it gone), and no other running server has claimed it since we gave up our claim (its
     * editor's request did); llama.cpp's router answers an unload at once and lists the model {@code loaded} until its
     * process has exited (up to 53 ms for the tests' tiny model).
     */
    private boolean leaving(ModelSpec m, ModelBackend.LoadedModel real, long now) {
        String id = m.id();
        long expiry = real.expiresAtMillis();
        Long unloaded = unloadedAt.get(id);
        if (expiry <= 0) {
            return unloaded != null && now - unloaded <= EXIT_MILLIS
                    && states.get(id).lastUsedMillis() <= unloaded + REPORT_LAG_MILLIS
                    && !ownership.claimedByAnotherServer(m);
        }
        if (expiry > now) {
            return false;
        }
        KeepAlive before = keepAlives.get(id);
        return unloaded != null || before != null && moved(expiry, before.expiresAt());
    }

    /** A load of ours abandoned at the timeout within {@value #LATE_LOAD_MILLIS} ms, which may still finish. */
    private LateLoad lateLoad(String id, long now) {
        LateLoad late = lateLoads.get(id);
        if (late != null && now - late.abandonedAt() > LATE_LOAD_MILLIS) {
            lateLoads.remove(id);
            return null;
        }
        return late;
    }

    /**
     * Records {@code m}'s keep-alive; a move is a request: each request to Ollama sets the model's keep-alive anew,
     * so when it moves with no load or renewal of ours (each clears the reading), someone asked for the model. Save
     * one: Ollama lists a model it is still loading as expiring the loading request's keep-alive from the moment of
     * the look, so a reading of our keep-alive ({@code ourKeepAliveMillis}, -1 unknown) from then is our load going
     * on after we gave up on it, and the next reading within our keep-alive of a moment between is its end.
     */
    private void readKeepAlive(ModelSpec m, long expiry, long now, long ourKeepAliveMillis) {
        KeepAlive before = keepAlives.put(m.id(), new KeepAlive(expiry, now));
        boolean oursLoading = before != null && ourKeepAliveMillis >= 0
                && setBetween(before.expiresAt(), before.readAt(), before.readAt(), ourKeepAliveMillis)
                && setBetween(expiry, before.readAt(), now, ourKeepAliveMillis);
        if (before != null && moved(expiry, before.expiresAt()) && !renewing.contains(m.id()) && !oursLoading) {
            moved.putIfAbsent(m.id(), new Moved(before.readAt(), now, false, true));
        }
    }

    /**
     * Records the newest request the model server served {@code m}; a newer one than at the last reading is a request
     * (our own loads and renewals are not requests it records). Ids that went down mean the server restarted or
     * cleared its record: read afresh.
     */
    private void readNewestRequest(ModelSpec m, long id, long now) {
        NewestRequest before = newestRequests.put(m.id(), new NewestRequest(id, now));
        if (before != null && id > before.id()) {
            moved.putIfAbsent(m.id(), new Moved(before.readAt(), now, false, false));
        }
    }

    /**
     * Explains a request seen on the model server (a keep-alive moved, a newer request in its record, or the model
     * loaded since we last saw it absent, by no load of ours): a use reported to us since explains it (our editor's
     * own request). If none is reported within {@value #USE_REPORT_MILLIS} ms of our seeing it (an editor reports a
     * use once the answer is complete), or at once when no editor reports uses of the model
     * ({@link InferredUses#reported}), another program (an AI extension that does not report to us, a script) asked
     * for the model: it is left to it when its request set a keep-alive or loaded it, and the use is recorded for the
     * predictor ({@link InferredUses}) unless another warm-up server holds the model (whose own renewals and
     * pre-warms move and load it; that server records what it cannot explain).
     */
    private void explain(ModelSpec m, long now) {
        Moved seen = moved.get(m.id());
        if (seen == null) {
            return;
        }
        if (states.get(m.id()).lastUsedMillis() >= seen.after()) {
            moved.remove(m.id()); // a use reported since it moved: our editor's own request
        } else if ((now - seen.seenAt() >= USE_REPORT_MILLIS || !inferred.reported(m, now))
                && inferred.mayRecord(seen.seenAt(), now)) {
            moved.remove(m.id());
            if (seen.claimsModel()) {
                ownership.usedElsewhere(m);
            }
            if (!ownership.heldByAnotherServer(m.id())) {
                inferred.record(m, seen.after(), seen.seenAt(), !seen.cold());
            }
        }
    }
}
