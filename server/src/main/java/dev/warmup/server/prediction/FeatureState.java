package dev.warmup.server.prediction;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import dev.warmup.server.usage.UsageStatsQuery;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the predictor remembers of the past, updated in O(1) per event, and the {@link Features} vector at any time
 * not before the last event. The target encoding {@code afterEvent} learns only from samples whose horizon has
 * elapsed ({@link #learn}), and the {@link ContextRates} behind {@code context} count only what already happened, so
 * no feature ever looks ahead.
 */
final class FeatureState {
    static final long SESSION_GAP = UsageStatsQuery.SESSION_GAP_MILLIS;
    static final long NEVER = 30L * 24 * 3600 * 1000;
    /** Pseudo-hours of observation a finer context of the {@link ContextRates} is shrunk by. */
    static final double SHRINK_HOURS = 0.5;
    /** The most event types indexed (see {@link #typeIndex}). */
    static final int MAX_TYPES = 1000;

    private final int tasks;
    private final ZoneId zone;
    private final Map<String, Integer> typeIndex = new HashMap<>();
    private final TimeWindow events = new TimeWindow(60_000, 600_000, 3_600_000);
    private final TimeWindow[] requests;
    private final long[] lastRequest;
    private final int[] sessionCount;
    private final int[][] hourCount;
    private final int[] total;
    private final double[] baseRate;
    private long baseSamples;
    // target encodings learnt from matured samples
    private double[][] typePos = new double[64][];
    private double[] typeN = new double[64];
    private ContextRates rates;
    private final long horizonMillis;

    private long lastEvent = Long.MIN_VALUE;
    private long sessionStart;
    private int lastType = -1;
    private int lastRequestTask = -1;

    FeatureState(int tasks, ZoneId zone, long horizonMillis) {
        this.tasks = tasks;
        this.zone = zone;
        requests = new TimeWindow[tasks];
        lastRequest = new long[tasks];
        sessionCount = new int[tasks];
        hourCount = new int[tasks][24];
        total = new int[tasks];
        baseRate = new double[tasks];
        this.horizonMillis = horizonMillis;
        rates = new ContextRates(tasks, SHRINK_HOURS);
        for (int k = 0; k < tasks; k++) {
            requests[k] = new TimeWindow(300_000, 3_600_000, 86_400_000);
        }
        Arrays.fill(lastRequest, Long.MIN_VALUE);
    }

    /** The event's type as the predictor distinguishes events: kind and detail. */
    static String typeOf(UsageEvent e) {
        if (e.kind() == EventKind.TRACE) {
            return e.detail() == null ? "trace" : e.detail();
        }
        return e.detail() == null ? e.kind().name() : e.kind().name() + ":" + e.detail();
    }

    /** Updates the state with an event; {@code task} is the index of the task it requests, or -1. */
    void observe(UsageEvent e, int task) {
        long t = e.at();
        if (lastEvent == Long.MIN_VALUE || t - lastEvent >= SESSION_GAP) {
            sessionStart = t;
            Arrays.fill(sessionCount, 0);
        }
        lastEvent = t;
        events.add(t);
        int idx = typeIndex(typeOf(e));
        rates.observe(t, idx, task);
        lastType = idx;
        lastRequestTask = task;
        if (task >= 0) {
            lastRequest[task] = t;
            requests[task].add(t);
            sessionCount[task]++;
            hourCount[task][hour(t)]++;
            total[task]++;
        }
    }

    /**
     * Replaces the context rates with rates fitted on {@code events} (all of them, future included), frozen: the
     * hindsight bound of the replay ({@link ContextRates#frozenCopy()}). Call before the first {@link #observe}.
     */
    void fitRatesInHindsight(List<UsageEvent> events, int[] taskOfEvent) {
        ContextRates fit = new ContextRates(tasks, SHRINK_HOURS);
        for (int i = 0; i < events.size(); i++) {
            fit.observe(events.get(i).at(), typeIndex(typeOf(events.get(i))), taskOfEvent[i]);
        }
        rates = fit.frozenCopy();
    }

    /**
     * The type's index, given on first sight; -1 (no type, as before any event) once {@value #MAX_TYPES} types have
     * been seen: each type holds counts here and in the context rates, and the types are clients' strings (activity
     * kinds), so a client inventing one per event would otherwise grow them without end. The 76 developers of the
     * Blaze trace use at most 191 each.
     */
    private int typeIndex(String type) {
        Integer idx = typeIndex.get(type);
        if (idx == null) {
            if (typeIndex.size() >= MAX_TYPES) {
                return -1;
            }
            idx = typeIndex.size();
            typeIndex.put(type, idx);
            if (idx >= typeN.length) {
                typeN = Arrays.copyOf(typeN, idx * 2);
                typePos = Arrays.copyOf(typePos, idx * 2);
            }
            typePos[idx] = new double[tasks];
        }
        return idx;
    }

    /** How many event types have an index (at most {@value #MAX_TYPES}). */
    int types() {
        return typeIndex.size();
    }

    long lastEventTime() {
        return lastEvent;
    }

    int lastType() {
        return lastType;
    }

    /** A sample matured: its label is known. Updates the base rates and the target encodings. */
    void learn(int type, boolean[] label) {
        baseSamples++;
        for (int k = 0; k < tasks; k++) {
            double y = label[k] ? 1 : 0;
            baseRate[k] += (y - baseRate[k]) / baseSamples;
            if (type >= 0) {
                typePos[type][k] += y;
            }
        }
        if (type >= 0) {
            typeN[type] += 1;
        }
    }

    /** The chance of a request for {@code k} within the horizon at the present context's rate. */
    double contextProbability(int k, long now) {
        return 1 - Math.exp(-rates.rate(k, now) * horizonMillis / 3_600_000.0);
    }

    /** When the context next changes by the passing of time alone (Long.MAX_VALUE: never). */
    long nextContextChange(long now) {
        return rates.nextChange(now);
    }

    /** Writes the feature vector at {@code now} (not before the last event) into {@code out}. */
    void vector(long now, float[] out) {
        long idle = lastEvent == Long.MIN_VALUE ? NEVER : now - lastEvent;
        out[0] = log1pSeconds(idle);
        out[1] = lastEvent == Long.MIN_VALUE || idle >= SESSION_GAP ? 0 : log1pSeconds(now - sessionStart);
        out[2] = (float) Math.log1p(events.count(0, now));
        out[3] = (float) Math.log1p(events.count(1, now));
        out[4] = (float) Math.log1p(events.count(2, now));
        ZonedDateTime z = Instant.ofEpochMilli(now).atZone(zone);
        double h = (z.getHour() + z.getMinute() / 60.0) / 24 * 2 * Math.PI;
        double d = (z.getDayOfWeek().getValue() - 1 + z.getHour() / 24.0) / 7 * 2 * Math.PI;
        out[5] = (float) Math.sin(h);
        out[6] = (float) Math.cos(h);
        out[7] = (float) Math.sin(d);
        out[8] = (float) Math.cos(d);
        out[9] = lastRequestTask;
        int hourNow = z.getHour();
        boolean inSession = idle < SESSION_GAP;
        for (int k = 0; k < tasks; k++) {
            int o = Features.GLOBAL + k * Features.PER_TASK;
            out[o] = log1pSeconds(lastRequest[k] == Long.MIN_VALUE ? NEVER : Math.min(NEVER, now - lastRequest[k]));
            out[o + 1] = requests[k].count(0, now);
            out[o + 2] = requests[k].count(1, now);
            out[o + 3] = requests[k].count(2, now);
            out[o + 4] = inSession ? sessionCount[k] : 0;
            out[o + 5] = total[k] == 0 ? 0 : (float) hourCount[k][hourNow] / total[k];
            out[o + 6] = lastType < 0 ? (float) baseRate[k]
                    : (float) ((typePos[lastType][k] + 2 * baseRate[k]) / (typeN[lastType] + 2));
            out[o + 7] = (float) contextProbability(k, now);
        }
    }

    private int hour(long t) {
        return Instant.ofEpochMilli(t).atZone(zone).getHour();
    }

    private static float log1pSeconds(long millis) {
        return (float) Math.log1p(Math.max(0, millis) / 1000.0);
    }
}
