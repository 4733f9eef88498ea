package dev.warmup.server.prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The feature vector the classifiers see, for {@code T} tasks. Global features first, then eight per task. Every
 * feature is computed from events before the decision time only.
 *
 * <p>Global: {@code idle} log1p seconds since the last event; {@code sessionAge} log1p seconds since the session
 * started (sessions split at 30-minute gaps); {@code events1m}, {@code events10m}, {@code events60m} log1p events in
 * sliding windows; {@code hourSin}, {@code hourCos}, {@code daySin}, {@code dayCos} time of day and day of week,
 * cyclical; {@code lastWasRequest} the task index the last event requested, or -1.
 *
 * <p>Per task k: {@code sinceLast_k} log1p seconds since its last request (30 days when never); {@code count5m_k},
 * {@code count60m_k}, {@code count24h_k} its requests in sliding windows; {@code session_k} its requests this
 * session; {@code hourShare_k} the share of its past requests that fell in the current hour of day (the developer's
 * day); {@code afterEvent_k} how often, in this user's past, a request for k followed the last event's type within
 * the horizon (the events that precede a request); {@code context_k} the chance of a request within the horizon at
 * the rate this user showed in the present context: how long since k's last request, how long since any event, and
 * which event came last ({@link ContextRates}). It is also the prior the classifiers correct.
 */
public final class Features {
    public static final int GLOBAL = 10;
    public static final int PER_TASK = 8;

    private Features() {}

    public static int size(int tasks) {
        return GLOBAL + PER_TASK * tasks;
    }

    /** Names in vector order, for reasons and documentation. */
    public static List<String> names(List<String> tasks) {
        List<String> names = new ArrayList<>(List.of("idle", "sessionAge", "events1m", "events10m", "events60m",
                "hourSin", "hourCos", "daySin", "dayCos", "lastWasRequest"));
        for (String t : tasks) {
            for (String f : List.of("sinceLast", "count5m", "count60m", "count24h", "session", "hourShare",
                    "afterEvent", "context")) {
                names.add(f + "_" + t);
            }
        }
        return names;
    }

    /** A feature and its value in words, for the reasoning of a forecast. */
    public static String describe(String name, float value) {
        String base = name.contains("_") ? name.substring(0, name.indexOf('_')) : name;
        String task = name.contains("_") ? name.substring(name.indexOf('_') + 1) : "";
        double seconds = Math.expm1(value);
        return switch (base) {
            case "idle" -> "idle for " + duration(seconds);
            case "sessionAge" -> "session running for " + duration(seconds);
            case "events1m", "events10m", "events60m" -> count(Math.expm1(value), "event") + " in the last "
                    + base.substring(6, base.length() - 1) + " min";
            case "hourSin", "hourCos" -> "time of day";
            case "daySin", "dayCos" -> "day of week";
            case "lastWasRequest" -> "what the last event was";
            case "sinceLast" -> "last " + task + " request " + duration(seconds) + " ago";
            case "count5m" -> count(value, task + " request") + " in the last 5 min";
            case "count60m" -> count(value, task + " request") + " in the last hour";
            case "count24h" -> count(value, task + " request") + " in the last day";
            case "session" -> count(value, task + " request") + " this session";
            case "hourShare" -> String.format(Locale.ROOT, "%.0f%% of %s use falls in this hour of the day",
                    100 * value, task);
            case "afterEvent" -> String.format(Locale.ROOT, "the last event preceded %s %.0f%% of the time", task,
                    100 * value);
            case "context" -> String.format(Locale.ROOT, "in moments like this one, %s is requested within 5 min "
                    + "%.0f%% of the time", task, 100 * value);
            default -> name;
        };
    }

    private static String count(double n, String what) {
        long whole = Math.round(n);
        return whole + " " + what + (whole == 1 ? "" : "s");
    }

    private static String duration(double seconds) {
        if (seconds < 90) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        if (seconds < 5400) {
            return String.format(Locale.ROOT, "%.0f min", seconds / 60);
        }
        if (seconds < 172_800) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        }
        return String.format(Locale.ROOT, "%.0f days", seconds / 86400);
    }
}
