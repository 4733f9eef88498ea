package dev.warmup.server.trace;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.performance.PerformancePredictor;
import dev.warmup.server.replay.Catalog;
import dev.warmup.server.replay.JsonlTraceSource;
import dev.warmup.server.replay.Outcome;
import dev.warmup.server.replay.PolicyRegistry;
import dev.warmup.server.replay.Replayer;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.TraceBuilder;
import dev.warmup.server.replay.TraceTotals;
import dev.warmup.server.scheduler.InferredUses;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.UsageEvent;
import dev.warmup.server.usage.UsagePatternAnalyzer;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code warmup.compare}: what our predictor would have done with the developer's own recorded history, beside the
 * keep-alive timers model servers use (5 minutes, Ollama's default; 30, Continue's for Ollama): the replay of
 * {@code replay --format jsonl} on the store's events, in memory, with the catalogue of the settings (each task
 * played by the first model that serves it, with the load time and memory measured on this machine) and the budget
 * and model limit of the settings; our policy at the settings' {@code predictionThreshold}. Requests are the
 * {@code warmup/modelUsed} reports; those of a task no catalogue model serves, or whose model needs more than
 * {@code maxMemoryMb} (which the server never warms: WMP-4002), are left out and named; with none left to replay
 * there is nothing to compare (WMP-1004).
 */
public final class HistoryComparison {
    static final List<String> BASELINES = List.of("keepalive-5", "keepalive-10", "keepalive-30");

    private final UsageStore store;
    private final UsagePatternAnalyzer analyzer;
    private final ConfigurationManager config;
    private final PerformancePredictor performance;

    @Inject
    public HistoryComparison(UsageStore store, UsagePatternAnalyzer analyzer, ConfigurationManager config,
                             PerformancePredictor performance) {
        this.store = store;
        this.analyzer = analyzer;
        this.config = config;
        this.performance = performance;
    }

    public JsonObject compare() {
        WarmupSettings s = config.current();
        boolean all = analyzer.awaitStored(); // the last second's events too
        // two passes over the store, never the events themselves in memory (a month of typing is a million of them):
        // the requested tasks first, then the trace in its compact arrays
        Set<String> requested = new LinkedHashSet<>();
        read(e -> {
            if (e.task() != null) {
                requested.add(e.task());
            }
        });
        Map<String, ModelSpec> modelOfTask = new LinkedHashMap<>(); // requested tasks a catalogue model serves
        Set<String> leftOut = new LinkedHashSet<>();
        Set<String> overBudget = new LinkedHashSet<>(); // the server never warms these either (WMP-4002)
        for (String task : requested) {
            s.models().stream().filter(m -> m.tasks() != null && m.tasks().contains(task)).findFirst()
                    .ifPresentOrElse(m -> {
                        if (performance.memoryMb(m) > s.maxMemoryMb()) {
                            overBudget.add(task);
                        } else {
                            modelOfTask.put(task, m);
                        }
                    }, () -> leftOut.add(task));
        }
        if (modelOfTask.isEmpty()) {
            throw new WarmupException(ErrorCode.WMP_1004, requested.isEmpty()
                    ? "clients report them with warmup/modelUsed"
                    : "for a catalogue model within maxMemoryMb (" + s.maxMemoryMb() + "); the requests recorded are"
                    + " for " + requested + (overBudget.isEmpty() ? "" : ", whose models need more for " + overBudget));
        }
        TraceBuilder builder = new TraceBuilder(new ArrayList<>(modelOfTask.keySet()));
        long[] inferred = {0};
        read(e -> {
            boolean request = e.task() != null && modelOfTask.containsKey(e.task()); // others: context
            builder.add("me", e.at(), JsonlTraceSource.eventName(e.kind(), e.detail()), request ? e.task() : null);
            inferred[0] += request && InferredUses.DETAIL.equals(e.detail()) ? 1 : 0;
        });
        Trace trace = builder.build();
        TraceTotals totals = TraceTotals.of(trace);
        String ours = "predictive@" + s.predictionThreshold();
        List<String> policies = new ArrayList<>(BASELINES);
        policies.add(ours);
        Map<String, Outcome> outcomes = new Replayer(catalog(modelOfTask), s.maxMemoryMb(), s.maxWarmModels(),
                PolicyRegistry.standard(), null).run(trace, policies);
        JsonObject r = result(totals, inferred[0], modelOfTask, leftOut, overBudget, outcomes, ours);
        if (!all) { // said in the summary too, which the editors show first
            UsagePatternAnalyzer.markIncomplete(r, "comparison");
            r.addProperty("summary", r.get("summary").getAsString() + " Not complete: "
                    + r.get("note").getAsString() + ".");
        }
        return r;
    }

    private void read(Consumer<UsageEvent> sink) {
        try {
            store.events(Long.MIN_VALUE, Long.MAX_VALUE, sink);
        } catch (SQLException e) {
            throw new WarmupException(ErrorCode.WMP_7004, "reading the history to compare: " + e.getMessage(), e);
        }
    }

    /** One model per requested task, as this machine loads it. */
    private Catalog catalog(Map<String, ModelSpec> modelOfTask) {
        Map<String, List<String>> tasksOf = new LinkedHashMap<>();
        Map<String, ModelSpec> byId = new LinkedHashMap<>();
        modelOfTask.forEach((task, m) -> {
            tasksOf.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(task);
            byId.put(m.id(), m);
        });
        List<ModelSpec> specs = new ArrayList<>();
        tasksOf.forEach((id, tasks) -> {
            ModelSpec m = byId.get(id);
            specs.add(new ModelSpec(id, tasks, (int) performance.memoryMb(m), performance.expectedLoadSeconds(m),
                    null, null));
        });
        return Catalog.of(specs);
    }

    private static JsonObject result(TraceTotals totals, long inferred, Map<String, ModelSpec> modelOfTask,
                                     Set<String> leftOut, Set<String> overBudget, Map<String, Outcome> outcomes,
                                     String ours) {
        double hours = totals.activeUserHours();
        JsonObject r = new JsonObject();
        r.addProperty("events", totals.events());
        r.addProperty("sessions", totals.sessions());
        r.addProperty("activeHours", hours);
        JsonObject requests = new JsonObject();
        totals.requests().forEach(requests::addProperty);
        r.add("requests", requests);
        r.addProperty("inferredRequests", inferred);
        JsonObject models = new JsonObject();
        modelOfTask.forEach((task, m) -> models.addProperty(task, m.id()));
        r.add("models", models);
        JsonArray left = new JsonArray();
        leftOut.forEach(left::add);
        r.add("tasksWithoutModel", left);
        JsonArray over = new JsonArray();
        overBudget.forEach(over::add);
        r.add("tasksOverBudget", over);
        JsonObject policies = new JsonObject();
        outcomes.forEach((name, o) -> {
            JsonObject p = new JsonObject();
            p.addProperty("coldStarts", o.coldStarts());
            p.addProperty("waitSeconds", o.waitSeconds());
            p.addProperty("warmGbHours", o.warmGbHours());
            p.addProperty("loads", o.loads());
            p.addProperty("wastedLoads", o.wastedLoads());
            policies.add(name, p);
        });
        r.add("policies", policies);
        r.addProperty("summary", summary(hours, totals.totalRequests(), inferred, outcomes, ours));
        return r;
    }

    static String summary(double hours, long requests, long inferred, Map<String, Outcome> outcomes, String ours) {
        Outcome we = outcomes.get(ours);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "Over %.1f active hours and %d model requests%s, prediction would have had %d cold starts (%.0f s of"
                        + " waiting) holding %.1f GB·h", hours, requests,
                inferred == 0 ? "" : " (" + inferred + " of them seen on the model server, not reported)",
                we.coldStarts(), we.waitSeconds(), we.warmGbHours()));
        for (String base : BASELINES) {
            Outcome o = outcomes.get(base);
            b.append(String.format(Locale.ROOT, "; a %s-minute keep-alive %d (%.0f s) holding %.1f GB·h",
                    base.substring("keepalive-".length()), o.coldStarts(), o.waitSeconds(), o.warmGbHours()));
        }
        b.append(hours < 1 ? ". Under an hour of activity says little yet." : ".");
        return b.toString();
    }
}
