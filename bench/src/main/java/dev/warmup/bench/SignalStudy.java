package dev.warmup.bench;

import dev.warmup.server.replay.BlazeTraceSource;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.TraceTotals;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/**
 * What a trace offers a causal warm-up policy, counted directly on the events (the README's "information" figures):
 * <ol>
 *   <li>bursts: requests that follow a burst's first request within the model's load time (a miss's extra cost);</li>
 *   <li>event signals: while a task has been idle, how often an event is followed by its request just late enough
 *       for a pre-warm started at that event to finish first, overall, by the time since the last completion
 *       request (editing), and for the most telling event types;</li>
 *   <li>session starts: what pre-warming a task at each session's first event, held until its first request or a
 *       cap, would save and cost;</li>
 *   <li>session firsts: each session's first request of a task, by how far into the session it comes, with the
 *       cold starts it costs when its model is not warm: what no policy saves unless it holds the model from the
 *       session before or pre-warms it;</li>
 *   <li>fixed keep-alive per task, each model alone (no budget): the reference a per-model timer reaches.</li>
 * </ol>
 * Figures are per active user-hour. Usage: {@code java -cp bench/target/benchmarks.jar dev.warmup.bench.SignalStudy
 * ../shared/data/abb-blaze-ide-interactions/blaze_events.csv.xz}.
 */
public final class SignalStudy {
    private static final long MIN = TraceSignals.MIN;
    private static final int MIN_EVENTS = 1000;

    private final Trace trace;
    private final TraceSignals signals;
    private final double hours;

    private SignalStudy(Trace trace) {
        this.trace = trace;
        this.signals = new TraceSignals(trace);
        this.hours = TraceTotals.of(trace).activeUserHours();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SignalStudy BLAZE_EVENTS.csv[.xz]");
            System.exit(2);
        }
        new SignalStudy(new BlazeTraceSource().read(Path.of(args[0]))).report();
    }

    private void report() {
        System.out.printf("%d users, %.1f active user-hours%n", trace.users().size(), hours);
        List<String> tasks = trace.tasks();
        for (int k = 0; k < tasks.size(); k++) {
            for (long quiet : new long[] {MIN, 10 * MIN}) {
                TraceSignals.BurstCount b = signals.bursts(k, quiet);
                System.out.printf("bursts %-11s after %2d min quiet: %7d starts (%.3f/h), %.2f followers within the"
                        + " load%n", tasks.get(k), quiet / MIN, b.starts(), b.starts() / hours,
                        b.followers() / (double) Math.max(1, b.starts()));
            }
        }
        printSignals(signals.task("analysis"), 10 * MIN);
        printSignals(signals.task("chat"), 3 * MIN);
        for (int k = 0; k < tasks.size(); k++) {
            for (long cap : new long[] {5 * MIN, 10 * MIN, 30 * MIN}) {
                TraceSignals.Cost c = signals.sessionStarts(k, cap);
                System.out.printf("session-start pre-warm %-11s held <= %2d min: saves %.3f cold/h for %.3f GB·h/h"
                        + " (%.2f per GB·h)%n", tasks.get(k), cap / MIN, c.coldStarts() / hours, c.gbh() / hours,
                        c.coldStarts() / c.gbh());
            }
        }
        double[] all = new double[3];
        for (int k = 0; k < tasks.size(); k++) {
            TraceSignals.SessionFirsts f = signals.sessionFirsts(k);
            StringBuilder line = new StringBuilder(String.format("session-first %-11s %.3f requests/h, %.3f cold/h"
                    + " with their bursts; by lead:", tasks.get(k), LongStream.of(f.requests()).sum() / hours,
                    LongStream.of(f.coldStarts()).sum() / hours));
            for (int b = 0; b < TraceSignals.LEAD_BANDS.length; b++) {
                line.append(String.format(" %s %.3f (%.3f);", TraceSignals.LEAD_BANDS[b], f.requests()[b] / hours,
                        f.coldStarts()[b] / hours));
            }
            line.append(String.format(" of the cold, %.3f/h within an hour of the task's previous request",
                    f.coldStartsWithinHour() / hours));
            System.out.println(line);
            all[0] += LongStream.of(f.requests()).sum() / hours;
            all[1] += LongStream.of(f.coldStarts()).sum() / hours;
            all[2] += f.coldStartsWithinHour() / hours;
        }
        System.out.printf("session-first all tasks %.3f requests/h, %.3f cold/h with their bursts, %.3f/h within an"
                + " hour of the task's previous request%n", all[0], all[1], all[2]);
        for (int k = 0; k < tasks.size(); k++) {
            StringBuilder line = new StringBuilder("keep-alive " + tasks.get(k) + " alone:");
            for (long m : new long[] {1, 3, 5, 10, 15, 30, 60}) {
                TraceSignals.Cost c = signals.keepAlive(k, m);
                line.append(String.format(" %d min %.3f at %.3f;", m, c.coldStarts() / hours, c.gbh() / hours));
            }
            System.out.println(line);
        }
    }

    private void printSignals(int k, long idle) {
        TraceSignals.SignalCount s = signals.signals(k, idle);
        long events = LongStream.of(s.bandEvents()).sum();
        long hits = LongStream.of(s.bandHits()).sum();
        long load = signals.load(k);
        System.out.printf("signals %s idle >= %d min: a request %d-%d s after the event: %.1f %% of %d events%n",
                trace.tasks().get(k), idle / MIN, load / 1000, (load + TraceSignals.WINDOW) / 1000,
                100.0 * hits / events, events);
        for (int b = 0; b < TraceSignals.BANDS.length; b++) {
            System.out.printf("  %-22s %5.1f %% of %d%n", TraceSignals.BANDS[b],
                    100.0 * s.bandHits()[b] / s.bandEvents()[b], s.bandEvents()[b]);
        }
        long[] n = s.typeEvents();
        long[] h = s.typeHits();
        List<Integer> types = new ArrayList<>();
        for (int d = 0; d < n.length; d++) {
            if (n[d] >= MIN_EVENTS) {
                types.add(d);
            }
        }
        types.sort((a, b) -> Double.compare(h[b] / (double) n[b], h[a] / (double) n[a]));
        for (int d : types.subList(0, Math.min(5, types.size()))) {
            System.out.printf("  after %-30s %5.1f %% of %d%n", trace.details()[d], 100.0 * h[d] / n[d], n[d]);
        }
    }
}
