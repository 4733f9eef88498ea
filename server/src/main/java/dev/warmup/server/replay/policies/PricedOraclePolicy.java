package dev.warmup.server.replay.policies;

import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.Clairvoyant;
import dev.warmup.server.replay.Sim;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.UserTrace;
import dev.warmup.server.usage.UsageEvent;

/**
 * The clairvoyant bounds with a price {@code W}, in GB·minutes of memory a cold start is worth. Both know every
 * future request; after each request they keep the model through the gap to its next request only when holding it
 * costs no more than the cheaper of the alternatives (every cold start the miss would cause, the request and those
 * piling up during the reload, at {@code W} each; or, where allowed, a later pre-warm), and unload otherwise.
 * <ul>
 *   <li>{@code keep-oracle@W} ({@link #keepOnly}) never pre-warms: it loads on request like keep-alive, so sweeping
 *   {@code W} draws the best curve any rule deciding only <em>when to unload</em> can reach on the trace.</li>
 *   <li>{@code keep-oracle-1m@W} and {@code keep-oracle-5m@W} ({@link #keepOnlyLate}) know which gaps to keep just
 *   as well, but unload only after the model has been idle 1 or 5 minutes, as a policy that must see a gap last
 *   before it can tell a long one would: what perfect knowledge of the gaps is worth without pre-warms once noticing
 *   a long gap takes that long.</li>
 *   <li>{@code event-oracle@W} ({@link #atEvents}) may also pre-warm, but only at an event (as a predictor reacting to
 *   what just happened would), never at an arbitrary instant: at the last event from which a load still finishes
 *   before the model's next request, when holding the model from then costs at most the miss. It shows what perfect
 *   knowledge of the future is worth to a policy whose pre-warms are triggered by events.</li>
 * </ul>
 */
public final class PricedOraclePolicy implements Clairvoyant {
    private final double gbMinutesPerColdStart;
    private final boolean preWarmAtEvents;
    private final long unloadDelayMillis;
    private long[][] requests;
    private long[] events;
    private int[] served;

    private PricedOraclePolicy(double gbMinutesPerColdStart, boolean preWarmAtEvents, long unloadDelayMillis) {
        this.gbMinutesPerColdStart = gbMinutesPerColdStart;
        this.preWarmAtEvents = preWarmAtEvents;
        this.unloadDelayMillis = unloadDelayMillis;
    }

    /** {@code keep-oracle@W}: decides only when to unload. */
    public static PricedOraclePolicy keepOnly(double gbMinutesPerColdStart) {
        return new PricedOraclePolicy(gbMinutesPerColdStart, false, 0);
    }

    /**
     * As {@link #keepOnly}, but each unload it decides comes {@code delayMillis} after the request (or the end of
     * the load it waited on); a request before then finds the model warm.
     */
    public static PricedOraclePolicy keepOnlyLate(double gbMinutesPerColdStart, long delayMillis) {
        return new PricedOraclePolicy(gbMinutesPerColdStart, false, delayMillis);
    }

    /** {@code event-oracle@W}: may also pre-warm, at events only. */
    public static PricedOraclePolicy atEvents(double gbMinutesPerColdStart) {
        return new PricedOraclePolicy(gbMinutesPerColdStart, true, 0);
    }

    @Override
    public void foresee(UserTrace user, Trace trace, Catalog catalog) {
        requests = RequestTimes.byModel(user, trace, catalog);
        events = user.times();
        served = new int[catalog.size()];
    }

    @Override
    public void onRequest(Sim sim, int m, boolean hit) {
        long[] r = requests[m];
        int next = ++served[m];
        long unloadAt = Math.max(sim.now(), sim.loadStart(m) + sim.catalog().loadMillis(m));
        if (next >= r.length) {
            unload(sim, m, unloadAt, Long.MAX_VALUE);
            return;
        }
        double keep = gbMinutes(sim, m, r[next] - unloadAt - unloadDelayMillis); // beyond what a late unload holds
        long trigger = preWarmAtEvents ? lastTrigger(sim, m, r[next], sim.now()) : -1;
        double prewarm = trigger < 0 ? Double.MAX_VALUE : gbMinutes(sim, m, r[next] - trigger);
        if (keep > Math.min(prewarm, missCost(sim, m, next))) {
            unload(sim, m, unloadAt, r[next]);
        }
    }

    /** Unloads now, or {@link #unloadDelayMillis} after {@code unloadAt} unless the next request comes first. */
    private void unload(Sim sim, int m, long unloadAt, long nextRequest) {
        if (unloadDelayMillis == 0) {
            sim.unload(m);
        } else if (unloadAt + unloadDelayMillis <= nextRequest) {
            sim.schedule(unloadAt + unloadDelayMillis, m, Sim.Action.UNLOAD, 0);
        }
    }

    @Override
    public void onEvent(Sim sim, UsageEvent e) {
        if (!preWarmAtEvents) {
            return;
        }
        long now = sim.now();
        for (int m = 0; m < requests.length; m++) {
            if (sim.isResident(m) || served[m] >= requests[m].length) {
                continue;
            }
            long r = requests[m][served[m]];
            if (lastTrigger(sim, m, r, now - 1) == now
                    && gbMinutes(sim, m, r - now) <= missCost(sim, m, served[m])) {
                sim.load(m);
            }
        }
    }

    /** The last event after {@code after} at which a load of {@code m} still finishes by {@code request} (-1: none). */
    private long lastTrigger(Sim sim, int m, long request, long after) {
        long latest = request - sim.catalog().loadMillis(m);
        int i = upperBound(events, latest) - 1; // last event at or before latest
        return i >= 0 && events[i] > after ? events[i] : -1;
    }

    /** W times the cold starts a miss at request {@code i} would cost (it and those arriving during its load). */
    private double missCost(Sim sim, int m, int i) {
        long[] r = requests[m];
        int piled = 0;
        for (int j = i + 1; j < r.length && r[j] < r[i] + sim.catalog().loadMillis(m); j++) {
            piled++;
        }
        return gbMinutesPerColdStart * (1 + piled);
    }

    /** GB·minutes of holding model {@code m} for {@code millis} (none if negative). */
    private static double gbMinutes(Sim sim, int m, long millis) {
        return Math.max(0, millis) / 60_000.0 * sim.catalog().memoryMb(m) / 1000.0;
    }

    private static int upperBound(long[] a, long x) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
