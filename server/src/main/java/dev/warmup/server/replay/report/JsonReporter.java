package dev.warmup.server.replay.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.warmup.server.replay.Outcome;
import dev.warmup.server.replay.TraceTotals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --json OUT}: {@code {"totals": {users, events, sessions, active_user_hours, requests: {TASK: N}},
 * "policies": {NAME: {cold_starts, cold_starts_per_active_user_hour, wait_s, wait_s_per_active_user_hour, warm_gb_h,
 * warm_gb_h_per_active_user_hour, wasted_loads, budget_violations}}}}. With {@code --report} the policies also
 * include the points of each family's knob sweep, named {@code FAMILY@X} (e.g. {@code predictive@0.99}). When the
 * bar can be read ({@link BarReading}), {@code "bar": {memory_of, warm_gb_h_per_active_user_hour,
 * its_cold_starts_per_active_user_hour, cold_starts_of, bar_cold_starts_per_active_user_hour,
 * predictive_cold_starts_per_active_user_hour (null where our curve does not reach that memory), met}}.
 */
public final class JsonReporter implements Reporter {
    private final Path file;

    public JsonReporter(Path file) {
        this.file = file;
    }

    public static JsonObject toJson(TraceTotals totals, Map<String, Outcome> outcomes) {
        JsonObject t = new JsonObject();
        t.addProperty("users", totals.users());
        t.addProperty("events", totals.events());
        t.addProperty("sessions", totals.sessions());
        t.addProperty("active_user_hours", totals.activeUserHours());
        JsonObject requests = new JsonObject();
        totals.requests().forEach(requests::addProperty);
        t.add("requests", requests);
        JsonObject policies = new JsonObject();
        double h = totals.activeUserHours();
        outcomes.forEach((name, o) -> {
            JsonObject p = new JsonObject();
            p.addProperty("cold_starts", o.coldStarts());
            p.add("cold_starts_per_active_user_hour", perHour(o.coldStarts(), h));
            p.addProperty("wait_s", o.waitSeconds());
            p.add("wait_s_per_active_user_hour", perHour(o.waitSeconds(), h));
            p.addProperty("warm_gb_h", o.warmGbHours());
            p.add("warm_gb_h_per_active_user_hour", perHour(o.warmGbHours(), h));
            p.addProperty("wasted_loads", o.wastedLoads());
            p.addProperty("budget_violations", o.budgetViolations());
            policies.add(name, p);
        });
        JsonObject root = new JsonObject();
        root.add("totals", t);
        root.add("policies", policies);
        BarReading.of(outcomes, h).ifPresent(b -> {
            JsonObject bar = new JsonObject();
            bar.addProperty("memory_of", BarReading.MEMORY_OF);
            bar.addProperty("warm_gb_h_per_active_user_hour", b.memory());
            bar.addProperty("its_cold_starts_per_active_user_hour", b.reference());
            bar.addProperty("cold_starts_of", BarReading.COLD_STARTS_OF);
            bar.addProperty("bar_cold_starts_per_active_user_hour", b.bar());
            bar.add("predictive_cold_starts_per_active_user_hour",
                    Double.isNaN(b.ours()) ? JsonNull.INSTANCE : new JsonPrimitive(b.ours()));
            bar.addProperty("met", b.met());
            root.add("bar", bar);
        });
        return root;
    }

    /** {@code total} per active hour, or null without active time (JSON has no NaN). */
    private static JsonElement perHour(double total, double hours) {
        return hours > 0 ? new JsonPrimitive(total / hours) : JsonNull.INSTANCE;
    }

    @Override
    public void report(TraceTotals totals, Map<String, Outcome> outcomes) throws IOException {
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().serializeNulls().create()
                .toJson(toJson(totals, outcomes)));
    }
}
