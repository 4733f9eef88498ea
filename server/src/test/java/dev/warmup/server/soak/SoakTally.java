package dev.warmup.server.soak;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.warmup.server.lsp.RawLspProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/** What {@link BlazeSoakIT} saw: the extension's answers, the looks at both sides, and what the server said. */
final class SoakTally {
    private static final Pattern LOG_LINE = Pattern.compile("^\\S+ (SEVERE|WARNING|INFO|FINE\\w*) \\S+: (WMP-\\d{4})?");

    private final Map<String, int[]> answers = new TreeMap<>(); // task -> {warm, cold, failed}
    private int retried; // requests sent twice: the first met a kept-alive connection's idle close (RouterUser)
    private final Histogram warmMs = new Histogram(3);
    private final Histogram coldMs = new Histogram(3);
    private final Map<String, Integer> looks = new TreeMap<>(); // "model: server state / router state" -> looks
    private final Map<String, Integer> disagreeingRun = new HashMap<>(); // model -> looks in a row disagreeing now
    private final Map<String, Integer> longestDisagreement = new TreeMap<>();
    private final Map<String, Integer> notifications = new TreeMap<>();
    private final Map<String, Integer> toldTheEditor = new TreeMap<>(); // warnings and errors, by WMP code
    private final List<String> lookFailures = new java.util.ArrayList<>();
    private final List<String> moments = new java.util.ArrayList<>(); // disagreements, cold and failed requests
    private final long startNanos = System.nanoTime();
    private int overBudgetLooks;
    private int overBudgetRun;
    private int longestOverBudget;

    /** The extension asks {@code model} and reports the use to the server. */
    void ask(RawLspProcess server, RouterUser extension, String model, String task) {
        try {
            RouterUser.Answer a = extension.ask(model);
            synchronized (this) {
                int[] n = answers.computeIfAbsent(task, k -> new int[3]);
                if (a.status() != 200) {
                    n[2]++;
                    moment(model + " requested: HTTP " + a.status() + " " + a.error()); // printed with the moments
                    return;
                }
                if (a.retried()) {
                    retried++;
                    moment(model + " requested: sent again, its kept-alive connection closed unanswered");
                }
                n[a.wasLoaded() ? 0 : 1]++;
                if (!a.wasLoaded()) {
                    moment(model + " requested, not loaded");
                }
                (a.wasLoaded() ? warmMs : coldMs).recordValue(a.latencyMs());
            }
            JsonObject used = new JsonObject();
            used.addProperty("model", model);
            used.addProperty("task", task);
            used.addProperty("latencyMs", a.latencyMs());
            used.addProperty("coldStart", !a.wasLoaded());
            server.notify("warmup/modelUsed", used);
        } catch (IOException | InterruptedException e) {
            synchronized (this) {
                answers.computeIfAbsent(task, k -> new int[3])[2]++;
                moment(model + " requested: " + e);
            }
        }
    }

    private void moment(String what) {
        moments.add(String.format("%.1f s %s", (System.nanoTime() - startNanos) / 1e9, what));
    }

    synchronized int failedAnswers() {
        return answers.values().stream().mapToInt(n -> n[2]).sum();
    }

    /** One look at both sides: the server's {@code warmup/status} and the router's list. */
    void look(RawLspProcess server, RouterUser extension) {
        try {
            drain(server);
            Seen seen = serverStates(server);
            Map<String, String> router = extension.states();
            synchronized (this) {
                overBudgetRun = seen.withinBudget() ? 0 : overBudgetRun + 1;
                overBudgetLooks += overBudgetRun > 0 ? 1 : 0;
                longestOverBudget = Math.max(longestOverBudget, overBudgetRun);
                for (Sided m : sided(seen, router)) {
                    looks.merge(m.model() + ": " + m.pair(), 1, Integer::sum);
                    int run = m.agree() ? 0 : disagreeingRun.getOrDefault(m.model(), 0) + 1;
                    if (run > 0) {
                        moment(m.model() + ": " + m.pair());
                    }
                    disagreeingRun.put(m.model(), run);
                    longestDisagreement.merge(m.model(), run, Math::max);
                }
            }
        } catch (Exception e) {
            synchronized (this) {
                lookFailures.add(e.toString());
            }
        }
    }

    /**
     * Looks at both sides every half second, {@code seconds} at most, until the server sees every model as the router
     * lists them (the server looks at its model servers on its own schedule) and holds no more than its budget (a
     * model requested in the last 30 s is in use, and stays even beyond it); the last look's pairs.
     */
    Map<String, String> awaitAgreement(RawLspProcess server, RouterUser extension, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Seen seen = serverStates(server);
            Map<String, String> router = extension.states();
            Map<String, String> pairs = new TreeMap<>();
            boolean all = seen.withinBudget();
            for (Sided m : sided(seen, router)) {
                pairs.put(m.model(), m.pair());
                all &= m.agree();
            }
            pairs.put("memory", seen.memoryUsedMb() + " of " + seen.memoryBudgetMb() + " MB");
            if (all) {
                return pairs;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after " + seconds + " s the server still does not see the router's models as"
                        + " it lists them (server / router), or holds more than its budget: " + pairs);
            }
            Thread.sleep(500); // the server's next look at the router is on its own schedule
        }
    }

    /** A model as the server shows it ({@code ours}, with who holds it) and as the router lists it. */
    private record Sided(String model, String ours, String theirs) {
        String pair() {
            return ours + " / " + theirs;
        }

        boolean agree() {
            return SoakTally.agree(ours, theirs);
        }
    }

    private static List<Sided> sided(Seen seen, Map<String, String> router) {
        return seen.states().entrySet().stream().map(m -> new Sided(m.getKey(), m.getValue(),
                router.getOrDefault(m.getKey(), "absent"))).toList();
    }

    private static boolean agree(String ours, String router) {
        String state = ours.contains(" ") ? ours.substring(0, ours.indexOf(' ')) : ours;
        return switch (state) {
            case "warm" -> router.equals("loaded");
            case "loading" -> router.equals("loading") || router.equals("loaded");
            default -> !router.equals("loaded") && !router.equals("loading");
        };
    }

    /**
     * The server's status: each model's state, with who holds it when not this server and whether it is as last seen,
     * and the memory it counts.
     */
    private record Seen(Map<String, String> states, int memoryUsedMb, int memoryBudgetMb) {
        boolean withinBudget() {
            return memoryUsedMb <= memoryBudgetMb;
        }
    }

    private static Seen serverStates(RawLspProcess server) throws Exception {
        JsonObject status = server.request("warmup/status", null).getAsJsonObject("result");
        Map<String, String> states = new TreeMap<>();
        for (JsonElement m : status.getAsJsonArray("models")) {
            JsonObject o = m.getAsJsonObject();
            String held = o.has("heldBy") && !o.get("heldBy").isJsonNull() ? " (" + o.get("heldBy").getAsString() + ")"
                    : "";
            String lastSeen = o.has("unconfirmedSince") && !o.get("unconfirmedSince").isJsonNull()
                    ? " (as last seen)" : ""; // the router has not answered for half a minute: none expected
            states.put(o.get("id").getAsString(), o.get("state").getAsString() + held + lastSeen);
        }
        return new Seen(states, status.get("memoryUsedMb").getAsInt(), status.get("memoryBudgetMb").getAsInt());
    }

    /** Counts what the server sent since the last drain; warnings and errors shown to the editor, by WMP code. */
    synchronized void drain(RawLspProcess server) {
        for (JsonObject m : server.drain()) {
            String method = m.has("method") ? m.get("method").getAsString() : "(response)";
            notifications.merge(m.has("id") && m.has("method") ? method + " (request)" : method, 1, Integer::sum);
            if (method.equals("window/logMessage")) {
                JsonObject p = m.getAsJsonObject("params");
                if (p.get("type").getAsInt() <= 2) {
                    String text = p.get("message").getAsString();
                    toldTheEditor.merge(text.startsWith("WMP-") ? text.substring(0, 8) : text, 1, Integer::sum);
                }
            }
        }
    }

    synchronized void print(PrintStream out) {
        answers.forEach((task, n) -> out.printf("  %s: %d requests found the model loaded, %d did not, %d failed%n",
                task, n[0], n[1], n[2]));
        out.printf("  sent again after a kept-alive connection closed unanswered: %d%n", retried);
        out.printf("  latency, model loaded: p50 %d ms, p99 %d ms; not loaded: p50 %d ms, p99 %d ms%n",
                warmMs.getValueAtPercentile(50), warmMs.getValueAtPercentile(99), coldMs.getValueAtPercentile(50),
                coldMs.getValueAtPercentile(99));
        out.println("  looks (model: server / router): " + looks);
        out.println("  longest disagreement, in looks 5 s apart: " + longestDisagreement);
        out.printf("  looks holding more than the budget: %d, at most %d in a row%n", overBudgetLooks,
                longestOverBudget);
        out.println("  sent by the server: " + notifications);
        out.println("  warnings and errors shown to the editor: " + toldTheEditor);
        out.println("  failed looks: " + lookFailures);
        out.println("  disagreements, requests that found the model not loaded or failed, in time: " + moments);
    }

    /** Log lines by level, and by WMP code where there is one. */
    static Map<String, Integer> logLevels(List<String> lines) {
        Map<String, Integer> m = new TreeMap<>();
        for (String line : lines) {
            Matcher x = LOG_LINE.matcher(line);
            if (x.find()) {
                m.merge(x.group(1) + (x.group(2) == null ? "" : " " + x.group(2)), 1, Integer::sum);
            }
        }
        return m;
    }
}
