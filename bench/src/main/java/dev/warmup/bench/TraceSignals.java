package dev.warmup.bench;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.Outcome;
import dev.warmup.server.replay.PolicyRegistry;
import dev.warmup.server.replay.Replayer;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.UserTrace;
import dev.warmup.server.usage.UsageStatsQuery;
import java.util.List;

/**
 * Counts, directly on a trace's events under the evaluation catalogue, what a causal warm-up policy could know
 * ({@link SignalStudy} prints them): bursts, event signals before a request, session-start pre-warms, and one
 * model's fixed keep-alive alone.
 */
final class TraceSignals {
    static final long MIN = 60_000;
    static final long SESSION_GAP = UsageStatsQuery.SESSION_GAP_MILLIS;
    /** A pre-warm started at an event pays off when the request comes after the load and within this much more. */
    static final long WINDOW = MIN;
    static final String[] BANDS = {"edited < 10 s ago", "edited < 1 min ago", "edited < 5 min ago",
        "edited < 30 min ago", "no editing for 30 min"};

    /** Burst starts and the requests that followed them within the load time. */
    record BurstCount(long starts, long followers) { }

    /** Qualifying events and those followed in time by a request, by editing band and by event type. */
    record SignalCount(long[] bandEvents, long[] bandHits, long[] typeEvents, long[] typeHits) { }

    /**
     * Each session's first request of a task, by how long after the session's first event it came
     * ({@link #LEAD_BANDS}), and the cold starts it costs when the model is not warm (itself and its burst's
     * requests within the load time); and those cold starts for the requests whose task was last requested less than
     * an hour before (in the session before: a 60-minute keep-alive still has the model).
     */
    record SessionFirsts(long[] requests, long[] coldStarts, long coldStartsWithinHour) { }

    static final String[] LEAD_BANDS = {"within the load time", "load time to 1 min", "1 to 5 min", "5 min or more"};

    /** Cold starts (or cold starts saved) and the GB·h held for them. */
    record Cost(long coldStarts, double gbh) { }

    private final Trace trace;
    private final Catalog catalog = Catalog.evaluationDefault();

    TraceSignals(Trace trace) {
        this.trace = trace;
    }

    int task(String name) {
        return trace.tasks().indexOf(name);
    }

    long load(int k) {
        return catalog.loadMillis(catalog.modelOf(trace.tasks().get(k)));
    }

    private double gb(int k) {
        return catalog.memoryMb(catalog.modelOf(trace.tasks().get(k))) / 1000.0;
    }

    /** Requests of task k after index i and before times[i] + the load time: they would wait on a load from i. */
    private int followers(UserTrace u, int i, int k) {
        int n = 0;
        for (int j = i + 1; j < u.size() && u.times()[j] < u.times()[i] + load(k); j++) {
            n += u.tasks()[j] == k ? 1 : 0;
        }
        return n;
    }

    /** Requests of task k that come {@code quiet} or more after its previous one (or first), and their followers. */
    BurstCount bursts(int k, long quiet) {
        long starts = 0;
        long followers = 0;
        for (UserTrace u : trace.users()) {
            long last = Long.MIN_VALUE;
            for (int i = 0; i < u.size(); i++) {
                if (u.tasks()[i] == k) {
                    if (last == Long.MIN_VALUE || u.times()[i] - last >= quiet) {
                        starts++;
                        followers += followers(u, i, k);
                    }
                    last = u.times()[i];
                }
            }
        }
        return new BurstCount(starts, followers);
    }

    /**
     * Every event that is not a request of task k, while k has not been requested for {@code idle} or more (or
     * ever), and whose next request of k comes late enough for a load started at the event to finish first (a request
     * at exactly the load's end is a hit): a hit when that request comes within {@link #WINDOW} more.
     */
    SignalCount signals(int k, long idle) {
        long[] bandEvents = new long[BANDS.length];
        long[] bandHits = new long[BANDS.length];
        long[] typeEvents = new long[trace.details().length];
        long[] typeHits = new long[trace.details().length];
        int edit = task("completion");
        for (UserTrace u : trace.users()) {
            long lastTask = Long.MIN_VALUE;
            long lastEdit = Long.MIN_VALUE;
            int next = 0; // index of the next request of k after i
            for (int i = 0; i < u.size(); i++) {
                long t = u.times()[i];
                if (u.tasks()[i] == k) {
                    lastTask = t;
                    continue;
                }
                if (u.tasks()[i] == edit) {
                    lastEdit = t;
                }
                if (lastTask != Long.MIN_VALUE && t - lastTask < idle) {
                    continue;
                }
                next = Math.max(next, i + 1);
                while (next < u.size() && u.tasks()[next] != k) {
                    next++;
                }
                long at = next < u.size() ? u.times()[next] : Long.MAX_VALUE;
                if (at < t + load(k)) {
                    continue; // a pre-warm from here would finish late
                }
                int hit = at <= t + load(k) + WINDOW ? 1 : 0;
                long sinceEdit = lastEdit == Long.MIN_VALUE ? Long.MAX_VALUE : t - lastEdit;
                int band = sinceEdit < 10_000 ? 0 : sinceEdit < MIN ? 1 : sinceEdit < 5 * MIN ? 2
                        : sinceEdit < SESSION_GAP ? 3 : 4;
                bandEvents[band]++;
                bandHits[band] += hit;
                typeEvents[u.details()[i]]++;
                typeHits[u.details()[i]] += hit;
            }
        }
        return new SignalCount(bandEvents, bandHits, typeEvents, typeHits);
    }

    /**
     * Pre-warming task k at each session's first event and holding it until the session's first request of k, for
     * at most {@code cap} (or the session's end): the cold starts that saves (the request and its followers, when the
     * load finished first) and the GB·h it holds.
     */
    Cost sessionStarts(int k, long cap) {
        long saved = 0;
        double heldMillis = 0;
        for (UserTrace u : trace.users()) {
            int start = 0;
            boolean found = false;
            for (int i = 0; i <= u.size() && u.size() > 0; i++) {
                boolean newSession = i == u.size() || i > 0 && u.times()[i] - u.times()[i - 1] >= SESSION_GAP;
                if (newSession) {
                    if (!found) { // never requested this session: held to the cap or the session's end
                        heldMillis += Math.min(cap, u.times()[i - 1] - u.times()[start]);
                    }
                    start = i;
                    found = false;
                }
                if (i < u.size() && !found && u.tasks()[i] == k) {
                    found = true;
                    long lead = u.times()[i] - u.times()[start];
                    heldMillis += Math.min(cap, lead);
                    if (lead <= cap && lead >= load(k)) {
                        saved += 1 + followers(u, i, k);
                    }
                }
            }
        }
        return new Cost(saved, heldMillis / 3_600_000.0 * gb(k));
    }

    /** The session's first request of task k in every session: see {@link SessionFirsts}. */
    SessionFirsts sessionFirsts(int k) {
        long[] requests = new long[LEAD_BANDS.length];
        long[] coldStarts = new long[LEAD_BANDS.length];
        long withinHour = 0;
        for (UserTrace u : trace.users()) {
            int start = 0;
            boolean found = false;
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < u.size(); i++) {
                if (i > 0 && u.times()[i] - u.times()[i - 1] >= SESSION_GAP) {
                    start = i;
                    found = false;
                }
                if (!found && u.tasks()[i] == k) {
                    found = true;
                    long lead = u.times()[i] - u.times()[start];
                    int band = lead < load(k) ? 0 : lead < MIN ? 1 : lead < 5 * MIN ? 2 : 3;
                    requests[band]++;
                    coldStarts[band] += 1 + followers(u, i, k);
                    if (previous != Long.MIN_VALUE && u.times()[i] - previous < 60 * MIN) {
                        withinHour += 1 + followers(u, i, k);
                    }
                }
                if (u.tasks()[i] == k) {
                    previous = u.times()[i];
                }
            }
        }
        return new SessionFirsts(requests, coldStarts, withinHour);
    }

    /**
     * Task k's model alone under {@code keepalive@minutes}, run by the replay engine on a catalogue of that one model
     * and a budget that never binds (the other tasks' requests become context).
     */
    Cost keepAlive(int k, long minutes) {
        int m = catalog.modelOf(trace.tasks().get(k));
        Catalog alone = Catalog.of(List.of(new ModelSpec(catalog.model(m), List.of(trace.tasks().get(k)),
                (int) catalog.memoryMb(m), catalog.loadMillis(m) / 1000.0, null, null)));
        String policy = "keepalive@" + minutes;
        Outcome o = new Replayer(alone, Long.MAX_VALUE / 4, 1, PolicyRegistry.baselines(), null)
                .run(trace, List.of(policy)).get(policy);
        return new Cost(o.coldStarts(), o.warmGbHours());
    }
}
