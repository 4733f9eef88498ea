package dev.warmup.bench;

import dev.warmup.server.replay.BlazeTraceSource;
import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.TraceTotals;
import dev.warmup.server.replay.UserTrace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a trace offers a causal warm-up policy, counted directly on the events (the README's "information" figures):
 * <ol>
 *   <li>bursts: requests that follow a burst's first request within the model's load time (a miss's extra cost);</li>
 *   <li>event signals: while a task has been idle, how often an event is followed by its request just late enough
 *       for a pre-warm started at that event to finish first, overall, by the time since the last completion
 *       request (editing), and for the most telling event types;</li>
 *   <li>session starts: what pre-warming a task at each session's first event, held until its first request or a
 *       cap, would save and cost;</li>
 *   <li>fixed keep-alive per task, each model alone (no budget): the reference a per-model timer reaches.</li>
 * </ol>
 * Figures are per active user-hour. Usage: {@code java -cp bench/target/benchmarks.jar dev.warmup.bench.SignalStudy
 * ../shared/data/abb-blaze-ide-interactions/blaze_events.csv.xz}.
 */
public final class SignalStudy {
    private static final long MIN = 60_000;
    private static final long SESSION_GAP = 30 * MIN;
    /** A pre-warm started at an event pays off when the request comes after the load and within this much more. */
    private static final long WINDOW = MIN;
    private static final int MIN_EVENTS = 1000;

    private final Trace trace;
    private final Catalog catalog = Catalog.evaluationDefault();
    private final double hours;

    private SignalStudy(Trace trace) {
        this.trace = trace;
        this.hours = TraceTotals.of(trace).activeUserHours();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SignalStudy BLAZE_EVENTS.csv[.xz]");
            System.exit(2);
        }
        SignalStudy s = new SignalStudy(new BlazeTraceSource().read(Path.of(args[0])));
        System.out.printf("%d users, %.1f active user-hours%n", s.trace.users().size(), s.hours);
        for (int k = 0; k < s.trace.tasks().size(); k++) {
            s.bursts(k);
        }
        s.signals(s.task("analysis"), 10 * MIN);
        s.signals(s.task("chat"), 3 * MIN);
        for (int k = 0; k < s.trace.tasks().size(); k++) {
            s.sessionStarts(k, new long[] {5 * MIN, 10 * MIN, 30 * MIN});
        }
        for (int k = 0; k < s.trace.tasks().size(); k++) {
            s.keepAlive(k, new long[] {1, 3, 5, 10, 15, 30, 60});
        }
    }

    private int task(String name) {
        return trace.tasks().indexOf(name);
    }

    private long load(int k) {
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

    private void bursts(int k) {
        for (long quiet : new long[] {MIN, 10 * MIN}) {
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
            System.out.printf("bursts %-11s after %2d min quiet: %7d starts (%.3f/h), %.2f followers within the load%n",
                    trace.tasks().get(k), quiet / MIN, starts, starts / hours, followers / (double) Math.max(1, starts));
        }
    }

    private void signals(int k, long idle) {
        String[] bands = {"edited < 10 s ago", "edited < 1 min ago", "edited < 5 min ago", "edited < 30 min ago",
            "no editing for 30 min"};
        long[] bandEvents = new long[bands.length];
        long[] bandHits = new long[bands.length];
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
                if (at <= t + load(k)) {
                    continue; // a pre-warm from here would finish late
                }
                boolean hit = at <= t + load(k) + WINDOW;
                long sinceEdit = lastEdit == Long.MIN_VALUE ? Long.MAX_VALUE : t - lastEdit;
                int band = sinceEdit < 10_000 ? 0 : sinceEdit < MIN ? 1 : sinceEdit < 5 * MIN ? 2
                        : sinceEdit < SESSION_GAP ? 3 : 4;
                bandEvents[band]++;
                bandHits[band] += hit ? 1 : 0;
                typeEvents[u.details()[i]]++;
                typeHits[u.details()[i]] += hit ? 1 : 0;
            }
        }
        long events = 0;
        long hits = 0;
        for (int b = 0; b < bands.length; b++) {
            events += bandEvents[b];
            hits += bandHits[b];
        }
        String name = trace.tasks().get(k);
        System.out.printf("signals %s idle >= %d min: a request %d-%d s after the event: %.1f %% of %d events%n",
                name, idle / MIN, load(k) / 1000, (load(k) + WINDOW) / 1000, 100.0 * hits / events, events);
        for (int b = 0; b < bands.length; b++) {
            System.out.printf("  %-22s %5.1f %% of %d%n", bands[b], 100.0 * bandHits[b] / bandEvents[b], bandEvents[b]);
        }
        List<Integer> types = new ArrayList<>();
        for (int d = 0; d < typeEvents.length; d++) {
            if (typeEvents[d] >= MIN_EVENTS) {
                types.add(d);
            }
        }
        types.sort((a, b) -> Double.compare(typeHits[b] / (double) typeEvents[b], typeHits[a] / (double) typeEvents[a]));
        for (int d : types.subList(0, Math.min(5, types.size()))) {
            System.out.printf("  after %-30s %5.1f %% of %d%n", trace.details()[d],
                    100.0 * typeHits[d] / typeEvents[d], typeEvents[d]);
        }
    }

    private void sessionStarts(int k, long[] caps) {
        for (long cap : caps) {
            long saved = 0;
            double heldMillis = 0;
            for (UserTrace u : trace.users()) {
                if (u.size() == 0) {
                    continue;
                }
                int start = 0;
                boolean found = false;
                for (int i = 0; i <= u.size(); i++) {
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
            double gbh = heldMillis / 3_600_000.0 * gb(k);
            System.out.printf("session-start pre-warm %-11s held <= %2d min: saves %.3f cold/h for %.3f GB·h/h"
                    + " (%.2f per GB·h)%n", trace.tasks().get(k), cap / MIN, saved / hours, gbh / hours, saved / gbh);
        }
    }

    private void keepAlive(int k, long[] minutes) {
        StringBuilder line = new StringBuilder("keep-alive " + trace.tasks().get(k) + " alone:");
        for (long m : minutes) {
            long keep = m * MIN;
            long cold = 0;
            double heldMillis = 0;
            for (UserTrace u : trace.users()) {
                if (u.size() == 0) {
                    continue;
                }
                long end = u.times()[u.size() - 1];
                long loadStart = Long.MIN_VALUE;
                long loaded = Long.MIN_VALUE;
                long unload = Long.MIN_VALUE;
                for (int i = 0; i < u.size(); i++) {
                    if (u.tasks()[i] != k) {
                        continue;
                    }
                    long t = u.times()[i];
                    if (t >= unload) {
                        if (loadStart != Long.MIN_VALUE) {
                            heldMillis += unload - loadStart;
                        }
                        loadStart = t;
                        loaded = t + load(k);
                        cold++;
                    } else if (t < loaded) {
                        cold++;
                    }
                    unload = Math.min(end, Math.max(t + keep, loaded));
                }
                if (loadStart != Long.MIN_VALUE) {
                    heldMillis += unload - loadStart;
                }
            }
            line.append(String.format(" %d min %.3f at %.3f;", m, cold / hours, heldMillis / 3_600_000.0 * gb(k) / hours));
        }
        System.out.println(line);
    }
}
