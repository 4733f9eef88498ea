package dev.warmup.server.replay;

import dev.warmup.server.usage.UsageStatsQuery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The replay engine for one user and one policy: walks the user's events on one continuous timeline, runs the
 * policy's timed actions, serves each request by the rules of EVALUATION.md §3 and §7, and records every load
 * interval for the memory integral and the budget audit.
 */
public final class Simulation implements Sim {
    private final Catalog catalog;
    private final long budgetMb;
    private final int maxWarm;
    private final Policy policy;
    private final int n;
    private final boolean[] resident;
    private final long[] loadStart;
    private final long[] loadEnd;
    private final long[] lastRequest;
    private final int[] served;
    private final boolean[] waiters;
    private final boolean[] prewarm;
    private final boolean[] reached;
    private final long[] generation;
    private final LoadAudit audit = new LoadAudit();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Map<Long, Timer> pending = new HashMap<>();
    private long now;
    private boolean started;
    private long used;
    private int residentCount;
    private long nextHandle;
    private long coldStarts;
    private long waitMillis;
    private long loads;
    private long wasted;
    private final long[] misses;
    private final long[] whileLoading;
    private final long[] latePrewarms;
    private final long[] sessionFirst;
    private final double[] mbMillis;
    private final double[] wastedMbMillis;

    public Simulation(Catalog catalog, long budgetMb, int maxWarm, Policy policy) {
        this.catalog = catalog;
        this.budgetMb = budgetMb;
        this.maxWarm = maxWarm;
        this.policy = policy;
        n = catalog.size();
        for (int m = 0; m < n; m++) {
            if (catalog.memoryMb(m) > budgetMb) {
                throw new IllegalArgumentException("model " + catalog.model(m) + " needs " + catalog.memoryMb(m)
                        + " MB, more than the whole budget of " + budgetMb + " MB");
            }
        }
        resident = new boolean[n];
        loadStart = new long[n];
        loadEnd = new long[n];
        lastRequest = new long[n];
        served = new int[n];
        waiters = new boolean[n];
        prewarm = new boolean[n];
        reached = new boolean[n];
        generation = new long[n];
        misses = new long[n];
        whileLoading = new long[n];
        latePrewarms = new long[n];
        sessionFirst = new long[n];
        mbMillis = new double[n];
        wastedMbMillis = new double[n];
    }

    /** Simulates the whole user and returns what the policy did. */
    public Outcome run(UserTrace user, Trace trace) {
        if (user.size() == 0) {
            return Outcome.ZERO;
        }
        int[] modelOfTask = new int[trace.tasks().size()];
        for (int t = 0; t < modelOfTask.length; t++) {
            modelOfTask[t] = catalog.modelOf(trace.tasks().get(t));
        }
        now = user.times()[0];
        if (policy instanceof Clairvoyant c) {
            c.foresee(user, trace, catalog);
        }
        policy.start(this);
        started = true;
        long[] sessionFirstAt = new long[modelOfTask.length]; // each task's first request this session
        for (int i = 0; i < user.size(); i++) {
            long t = user.times()[i];
            runTimersUntil(t);
            now = t;
            if (i == 0 || t - user.times()[i - 1] >= UsageStatsQuery.SESSION_GAP_MILLIS) {
                Arrays.fill(sessionFirstAt, Long.MIN_VALUE);
            }
            int task = user.tasks()[i];
            int model = task < 0 ? -1 : modelOfTask[task];
            if (model >= 0) {
                if (sessionFirstAt[task] == Long.MIN_VALUE) {
                    sessionFirstAt[task] = t;
                }
                serve(model, t - sessionFirstAt[task] < catalog.loadMillis(model));
            }
            policy.onEvent(this, user.event(i, trace));
        }
        for (int m = 0; m < n; m++) { // the trace ends at the last event: everything unloads
            if (resident[m]) {
                unloadNow(m);
            }
        }
        List<ModelTally> byModel = new ArrayList<>(n);
        for (int m = 0; m < n; m++) {
            byModel.add(new ModelTally(misses[m], whileLoading[m], latePrewarms[m], mbMillis[m], wastedMbMillis[m],
                    sessionFirst[m]));
        }
        return new Outcome(coldStarts, waitMillis, audit.mbMillis(), loads, wasted,
                audit.violations(budgetMb, maxWarm), byModel);
    }

    /** A request to model m; {@code ofSessionFirst}: the session's first of its task, or within its burst. */
    private void serve(int m, boolean ofSessionFirst) {
        boolean hit = resident[m] && loadEnd[m] <= now;
        if (!hit) {
            coldStarts++;
            sessionFirst[m] += ofSessionFirst ? 1 : 0;
            if (resident[m]) {
                whileLoading[m]++;
                latePrewarms[m] += prewarm[m] && !reached[m] ? 1 : 0;
                waitMillis += loadEnd[m] - now;
            } else {
                misses[m]++;
                waitMillis += catalog.loadMillis(m);
                startLoad(m, false);
            }
            waiters[m] = loadEnd[m] > now;
        }
        lastRequest[m] = now;
        served[m]++;
        reached[m] = true;
        policy.onRequest(this, m, hit);
    }

    private void runTimersUntil(long t) {
        while (!timers.isEmpty() && timers.peek().at <= t) {
            Timer timer = timers.poll();
            pending.remove(timer.handle);
            now = timer.at;
            switch (timer.action) {
                case UNLOAD -> {
                    if (timer.generation < 0 || timer.generation == generation[timer.model]) {
                        unload(timer.model, timer.handle);
                    }
                }
                case PRELOAD -> load(timer.model);
                case WAKE -> policy.onWake(this, timer.model, timer.tag);
            }
        }
    }

    private void startLoad(int m, boolean isPrewarm) {
        evictToFit(m);
        resident[m] = true;
        loadStart[m] = now;
        loadEnd[m] = now + catalog.loadMillis(m);
        served[m] = 0;
        waiters[m] = false;
        prewarm[m] = isPrewarm;
        reached[m] = false;
        generation[m]++;
        used += catalog.memoryMb(m);
        residentCount++;
        loads++;
    }

    private void evictToFit(int m) {
        while (used + catalog.memoryMb(m) > budgetMb || residentCount + 1 > maxWarm) {
            int victim = -1;
            double bestRank = 0;
            for (int v = 0; v < n; v++) {
                if (!resident[v] || v == m) {
                    continue;
                }
                double rank = policy.evictionRank(this, v);
                if (victim < 0 || rank < bestRank || (rank == bestRank && recency(v) < recency(victim))) {
                    victim = v;
                    bestRank = rank;
                }
            }
            unloadNow(victim);
            policy.onEvicted(this, victim);
        }
    }

    private void unloadNow(int m) {
        double held = (double) (now - loadStart[m]) * catalog.memoryMb(m);
        if (prewarm[m] && !reached[m]) {
            wasted++;
            wastedMbMillis[m] += held;
        }
        mbMillis[m] += held;
        audit.record(loadStart[m], now, catalog.memoryMb(m));
        resident[m] = false;
        used -= catalog.memoryMb(m);
        residentCount--;
        served[m] = 0;
        waiters[m] = false;
    }

    private long unload(int m, long handle) {
        if (!resident[m]) {
            return -1;
        }
        if (loadEnd[m] > now && waiters[m]) { // rule 5: serve the waiting requests first
            Timer deferred = new Timer(loadEnd[m], Action.UNLOAD, handle < 0 ? nextHandle++ : handle, m, 0,
                    generation[m]);
            timers.add(deferred);
            pending.put(deferred.handle, deferred);
            return deferred.handle;
        }
        unloadNow(m);
        return -1;
    }

    @Override public long now() { return now; }
    @Override public Catalog catalog() { return catalog; }
    @Override public long budgetMb() { return budgetMb; }
    @Override public int maxWarm() { return maxWarm; }
    @Override public boolean isWarm(int m) { return resident[m] && loadEnd[m] <= now; }
    @Override public boolean isLoading(int m) { return resident[m] && loadEnd[m] > now; }
    @Override public long loadStart(int m) { return loadStart[m]; }
    @Override public int requestsSinceLoad(int m) { return served[m]; }
    @Override public long usedMb() { return used; }

    @Override
    public long recency(int m) {
        return served[m] > 0 ? lastRequest[m] : loadStart[m];
    }

    @Override
    public void load(int m) {
        if (!resident[m]) {
            startLoad(m, true);
        }
    }

    @Override
    public long unload(int m) {
        return unload(m, -1);
    }

    @Override
    public long schedule(long atMillis, int model, Action action, long tag) {
        long at = started ? Math.max(atMillis, now) : atMillis; // only the start may schedule before its events
        Timer timer = new Timer(at, action, nextHandle++, model, tag, -1);
        timers.add(timer);
        pending.put(timer.handle, timer);
        return timer.handle;
    }

    @Override
    public void cancel(long handle) {
        Timer timer = pending.remove(handle);
        if (timer != null) {
            timers.remove(timer);
        }
    }

    private record Timer(long at, Action action, long handle, int model, long tag, long generation)
            implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            if (at != o.at) {
                return Long.compare(at, o.at);
            }
            if (action != o.action) {
                return action.compareTo(o.action);
            }
            return Long.compare(handle, o.handle);
        }
    }
}
