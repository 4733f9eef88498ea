package dev.warmup.server.replay;

import dev.warmup.server.replay.report.BarReading;
import dev.warmup.server.replay.report.HtmlReporter;
import dev.warmup.server.replay.report.JsonReporter;
import dev.warmup.server.replay.report.ModelTableReporter;
import dev.warmup.server.replay.report.PerUserReporter;
import dev.warmup.server.replay.report.TableReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code warmup-server replay}: scores warm-up policies on a trace by the rules of EVALUATION.md. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replays a trace under warm-up policies and reports cold starts, waits and warm memory.")
public final class ReplayCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "PATH",
            description = "The trace file (*.xz and *.gz are read compressed).")
    Path trace;

    @Option(names = "--format", defaultValue = "jsonl", paramLabel = "blaze|jsonl",
            description = "blaze (ABB Blaze CSV, optionally .xz, MessageList.csv beside it) or jsonl "
                    + "(default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--policy", defaultValue = "all", paramLabel = "all|NAME[,NAME...]",
            description = "Policies to run (default: ${DEFAULT-VALUE}: the baselines, keep-oracle, event-oracle and "
                    + "predictive). Families: keepalive (keepalive-K), lru-budget, greedy-dual, hybrid-histogram, "
                    + "oracle, keep-oracle, keep-oracle-1m, keep-oracle-5m, event-oracle, predictive, "
                    + "predictive-hindsight; NAME@X sets a knob, e.g. keepalive@15, predictive@0.99.")
    String policy;

    @Option(names = "--catalog", paramLabel = "FILE", description = "JSON array of models like warmup.models "
            + "(memoryMb with 1 GB = 1000); default: the evaluation catalogue.")
    Path catalog;

    @Option(names = "--budget-gb", defaultValue = "12", description = "Memory budget per user (default: ${DEFAULT-VALUE}).")
    double budgetGb;

    @Option(names = "--max-warm", defaultValue = "5", description = "Most models warm at once (default: ${DEFAULT-VALUE}).")
    int maxWarm;

    @Option(names = "--users", defaultValue = "0", description = "Only the first N users (0: all).")
    int users;

    @Option(names = "--user-split", defaultValue = "all", paramLabel = "all|even|odd",
            description = "Users at even or odd positions in the file (applied after --users), to tune on one half "
                    + "and check on the other (default: ${DEFAULT-VALUE}).")
    UserSplit userSplit;

    @Option(names = "--by-model", description = "Also print, per policy and model, where the cold starts and the "
            + "memory went (misses, requests during a load, late pre-warms, sessions' first requests, wasted GB·h).")
    boolean byModel;

    @Option(names = "--json", paramLabel = "OUT", description = "Also write the results as JSON (with --report, "
            + "the swept points of the curves too, as NAME@X).")
    Path json;

    @Option(names = "--report", paramLabel = "OUT.html", description = "Also write an HTML page with the "
            + "cold-starts-against-memory plot; each policy's knob is swept to draw its curve.")
    Path report;

    @Option(names = "--per-user", paramLabel = "OUT.csv", description = "Also write one CSV row per user and policy "
            + "(with --report, the swept points too), with the user's own active hours: to compare users, or to "
            + "resample them.")
    Path perUser;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        PolicyRegistry registry = PolicyRegistry.standard();
        List<String> names;
        try {
            names = registry.expand(policy);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--policy: " + e.getMessage());
        }
        TraceSource source = switch (format) {
            case "blaze" -> new BlazeTraceSource();
            case "jsonl" -> new JsonlTraceSource();
            default -> throw new ParameterException(spec.commandLine(), "--format must be blaze or jsonl: " + format);
        };
        if (!Files.isReadable(trace)) {
            throw new ParameterException(spec.commandLine(), "--trace: no readable file at " + trace);
        }
        if (!(budgetGb > 0 && budgetGb <= 1_000_000)) { // NaN too
            throw new ParameterException(spec.commandLine(), "--budget-gb must be more than 0 and at most 1000000: "
                    + budgetGb);
        }
        if (maxWarm < 1) {
            throw new ParameterException(spec.commandLine(), "--max-warm must be 1 or more: " + maxWarm);
        }
        if (users < 0) {
            throw new ParameterException(spec.commandLine(), "--users must be 0 (all) or more: " + users);
        }
        Catalog models = catalog == null ? Catalog.evaluationDefault() : Catalog.read(catalog);
        System.err.printf("replay: reading %s%n", trace);
        Trace t = source.read(trace).firstUsers(users).split(userSplit);
        TraceTotals totals = TraceTotals.of(t);
        if (totals.events() == 0) {
            throw new IllegalArgumentException(trace + " holds no events" + (users > 0 || userSplit != UserSplit.all
                    ? " for the users chosen" : ""));
        }
        System.err.printf("replay: %d users, %d events read in %.1f s%n", totals.users(), totals.events(),
                (System.nanoTime() - started) / 1e9);
        totals.requests().forEach((task, n) -> {
            if (models.modelOf(task) < 0) {
                System.err.printf("replay: %d %s of task %s, which no model of the catalogue serves: not"
                        + " simulated (give a model that task in --catalog)%n", n, n == 1 ? "request" : "requests",
                        task);
            }
        });
        Replayer replayer = new Replayer(models, Math.round(budgetGb * 1000), maxWarm, registry, System.err);
        Map<String, List<Outcome>> byUser = new LinkedHashMap<>(replayer.runPerUser(t, names));
        Map<String, Outcome> outcomes = Replayer.sums(byUser);
        new TableReporter(System.out).report(totals, outcomes);
        if (byModel) {
            new ModelTableReporter(System.out, models).report(totals, outcomes);
        }
        Map<String, Outcome> all = new LinkedHashMap<>(outcomes);
        if (report != null) { // the curves: each family's knob swept
            Map<String, List<Outcome>> swept = replayer.runPerUser(t, registry.sweepBeyond(names));
            byUser.putAll(swept);
            all.putAll(Replayer.sums(swept));
        }
        BarReading.of(all, totals.activeUserHours()).ifPresent(bar -> System.out.println(bar.sentence()));
        if (perUser != null) {
            new PerUserReporter(perUser).report(t, byUser);
        }
        if (json != null) {
            new JsonReporter(json).report(totals, all);
        }
        if (report != null) {
            new HtmlReporter(report, "Warm-up policies on " + trace.getFileName(), registry::familyName)
                    .report(totals, all);
        }
        System.err.printf("replay: done in %.1f s%n", (System.nanoTime() - started) / 1e9);
        return 0;
    }
}
