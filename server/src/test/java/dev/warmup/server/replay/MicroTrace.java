package dev.warmup.server.replay;

import java.util.List;

/** Hand-written traces for the replay tests: times in seconds, requests named by task, context events by name. */
final class MicroTrace {
    static final List<String> TASKS = List.of("completion", "analysis", "chat", "refactoring");
    private final TraceBuilder builder = new TraceBuilder(TASKS);

    /** A request for {@code task} at second {@code t}. */
    MicroTrace req(long t, String task) {
        builder.add("u", t * 1000, "request:" + task, task);
        return this;
    }

    /** A context event at second {@code t}. */
    MicroTrace ctx(long t) {
        builder.add("u", t * 1000, "View.File", null);
        return this;
    }

    Trace trace() {
        return builder.build();
    }

    static Outcome run(Trace trace, Policy policy) {
        return run(trace, policy, 12_000, 5);
    }

    static Outcome run(Trace trace, Policy policy, long budgetMb, int maxWarm) {
        return new Simulation(Catalog.evaluationDefault(), budgetMb, maxWarm, policy)
                .run(trace.users().get(0), trace);
    }

    /** GB·h of {@code gb} held for {@code seconds}. */
    static double gbh(double gb, double seconds) {
        return gb * seconds / 3600.0;
    }
}
