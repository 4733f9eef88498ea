package dev.warmup.server.replay.policies;

import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.Clairvoyant;
import dev.warmup.server.replay.Sim;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.UserTrace;
import dev.warmup.server.usage.UsageEvent;

/**
 * {@code event-oracle@W}, a clairvoyant bound for policies that act when the developer does something: it knows
 * every future request, but may start a pre-warm only at an event (as a predictor reacting to what just happened
 * would), never at an arbitrary instant. At the last event from which a load can still finish before a model's next
 * request it pre-warms when holding the model from then costs at most {@code W} GB·minutes per cold start saved;
 * after a request it keeps the model through the gap when that is cheaper than both the miss and that pre-warm,
 * and unloads otherwise. Beside {@code keep-oracle@W} (no pre-warms at all) it shows what perfect knowledge of the
 * future is worth to a policy whose pre-warms are triggered by events.
 */
public final class EventOraclePolicy implements Clairvoyant {
    private final double gbMinutesPerColdStart;
    private long[][] requests;
    private long[] events;
    private int[] served;

    public EventOraclePolicy(double gbMinutesPerColdStart) {
        this.gbMinutesPerColdStart = gbMinutesPerColdStart;
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
        if (next >= r.length) {
            sim.unload(m);
            return;
        }
        long unloadAt = Math.max(sim.now(), sim.loadStart(m) + sim.catalog().loadMillis(m));
        double keep = gbMinutes(sim, m, r[next] - unloadAt);
        long trigger = lastTrigger(sim, m, r[next], sim.now());
        double prewarm = trigger < 0 ? Double.MAX_VALUE : gbMinutes(sim, m, r[next] - trigger);
        if (keep > Math.min(prewarm, missCost(sim, m, next))) {
            sim.unload(m);
        }
    }

    @Override
    public void onEvent(Sim sim, UsageEvent e) {
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
        return gbMinutesPerColdStart * (1 + RequestTimes.piledUp(requests[m], i, sim.catalog().loadMillis(m)));
    }

    private static double gbMinutes(Sim sim, int m, long millis) {
        return RequestTimes.gbMinutes(millis, sim.catalog().memoryMb(m));
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
