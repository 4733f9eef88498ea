package dev.warmup.server.replay;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Runs policies over every user of a trace, each (user, policy) pair on its own fresh policy instance and
 * simulation, in parallel; the outcomes per policy are summed, or kept user by user.
 */
public final class Replayer {
    private final Catalog catalog;
    private final long budgetMb;
    private final int maxWarm;
    private final PolicyRegistry registry;
    private final PrintStream progress;

    public Replayer(Catalog catalog, long budgetMb, int maxWarm, PolicyRegistry registry, PrintStream progress) {
        this.catalog = catalog;
        this.budgetMb = budgetMb;
        this.maxWarm = maxWarm;
        this.registry = registry;
        this.progress = progress;
    }

    /** Outcome per policy name, in the order given. */
    public Map<String, Outcome> run(Trace trace, List<String> policies) {
        return sums(runPerUser(trace, policies));
    }

    /** Each policy's outcomes summed over its users. */
    public static Map<String, Outcome> sums(Map<String, List<Outcome>> perUser) {
        Map<String, Outcome> result = new LinkedHashMap<>();
        perUser.forEach((policy, outcomes) -> result.put(policy, outcomes.stream().reduce(Outcome.ZERO, Outcome::plus)));
        return result;
    }

    /** Outcomes per policy name, in the order given, each a list in the order of the trace's users. */
    public Map<String, List<Outcome>> runPerUser(Trace trace, List<String> policies) {
        int users = trace.users().size();
        int jobs = users * policies.size();
        Outcome[] outcomes = new Outcome[jobs];
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        // heaviest users first, so that the parallel tail is short
        List<Integer> order = new ArrayList<>(IntStream.range(0, jobs).boxed().toList());
        order.sort((a, b) -> Integer.compare(trace.users().get(b % users).size(), trace.users().get(a % users).size()));
        order.parallelStream().forEach(job -> {
            UserTrace user = trace.users().get(job % users);
            String policy = policies.get(job / users);
            outcomes[job] = new Simulation(catalog, budgetMb, maxWarm, registry.create(policy)).run(user, trace);
            int d = done.incrementAndGet();
            if (progress != null && (d % Math.max(1, jobs / 20) == 0 || d == jobs)) {
                progress.printf("replay: %d/%d user-policy runs, %.0f s%n", d, jobs,
                        (System.nanoTime() - started) / 1e9);
            }
        });
        Map<String, List<Outcome>> result = new LinkedHashMap<>();
        for (int p = 0; p < policies.size(); p++) {
            result.put(policies.get(p), List.of(outcomes).subList(p * users, (p + 1) * users));
        }
        return result;
    }
}
