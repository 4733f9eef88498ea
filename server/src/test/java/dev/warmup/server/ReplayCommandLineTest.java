package dev.warmup.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.server.replay.PolicyRegistry;
import dev.warmup.server.replay.report.PerUserReporter;
import dev.warmup.server.trace.TraceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The replay command's bad input: one clear line (and the usage for a bad option), never a stack trace. */
class ReplayCommandLineTest {
    private static final String REFUSED = CliRun.REFUSED;

    @TempDir Path dir;

    @Test
    void theHelpNamesEveryPolicyFamily() {
        CommandLine cli = new CommandLine(new Main());
        Subcommands.register(cli);
        String help = cli.getSubcommands().get("replay").getUsageMessage().replaceAll("\\s+", " ");
        for (String family : PolicyRegistry.standard().familyNames()) {
            assertTrue(help.contains(" " + family + ",") || help.contains(" " + family + " ")
                    || help.contains(" " + family + ";"), family + " missing from: " + help);
        }
    }

    @Test
    void perUserRowsSumToTheTotals() throws Exception {
        Path trace = dir.resolve("two.jsonl");
        Files.writeString(trace, String.join("\n",
                "{\"user\": \"a\", \"at\": 0, \"kind\": \"change\"}",
                "{\"user\": \"a\", \"at\": 60000, \"kind\": \"model_used\", \"task\": \"chat\"}",
                "{\"user\": \"a\", \"at\": 600000, \"kind\": \"model_used\", \"task\": \"chat\"}",
                "{\"user\": \"b,c\", \"at\": 0, \"kind\": \"model_used\", \"task\": \"completion\"}",
                "{\"user\": \"b,c\", \"at\": 120000, \"kind\": \"model_used\", \"task\": \"completion\"}",
                "{\"user\": \"b,c\", \"at\": 7200000, \"kind\": \"model_used\", \"task\": \"completion\"}"));
        Path csv = dir.resolve("users.csv");
        Path json = dir.resolve("out.json");
        CliRun r = CliRun.of("replay", "--trace", trace.toString(), "--policy", "keepalive-1,keepalive-5",
                "--per-user", csv.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(PerUserReporter.HEADER, lines.get(0));
        assertEquals(List.of(
                // a: one session of 10 minutes, two cold chat requests (5.5 GB), the first's model held a minute
                "a,keepalive-1,0.166667,1,2,2,20.000,0.091667,2,0,0",
                // "b,c" (quoted): sessions of 2 minutes and of one event; completion (1.5 GB) held 1 + 1 minutes
                "\"b,c\",keepalive-1,0.033333,2,3,3,9.000,0.050000,3,0,0",
                "a,keepalive-5,0.166667,1,2,2,20.000,0.458333,2,0,0", // held 5 minutes, gone before the second
                "\"b,c\",keepalive-5,0.033333,2,3,2,6.000,0.175000,2,0,0"), // the second request kept it warm
                lines.subList(1, lines.size()));
        JsonObject policies = JsonParser.parseString(Files.readString(json)).getAsJsonObject()
                .getAsJsonObject("policies");
        assertEquals(5, policies.getAsJsonObject("keepalive-1").get("cold_starts").getAsInt()); // the rows' sums
        assertEquals(4, policies.getAsJsonObject("keepalive-5").get("cold_starts").getAsInt());
        assertEquals(0.091667 + 0.05, policies.getAsJsonObject("keepalive-1").get("warm_gb_h").getAsDouble(), 1e-6);
    }

    @Test
    void aTraceWithoutEventsIsRefusedAndOneWithoutActiveTimeHasNoPerHourFigures() throws Exception {
        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(empty, "");
        CliRun none = CliRun.of("replay", "--trace", empty.toString(), "--policy", "keepalive-5");
        assertEquals(1, none.code());
        assertEquals(REFUSED + "replay: " + empty + " holds no events", none.err().strip());
        Path moment = dir.resolve("moment.jsonl"); // one session of one second: no active time to divide by
        Files.writeString(moment, "{\"user\": \"a\", \"at\": 1000, \"kind\": \"model_used\", \"task\": \"chat\"}\n"
                + "{\"user\": \"a\", \"at\": 1000, \"kind\": \"model_used\", \"task\": \"juggling\"}\n");
        Path json = dir.resolve("moment.json");
        Path html = dir.resolve("moment.html");
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stderr = System.err;
        System.setErr(new java.io.PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8));
        CliRun r;
        try {
            r = CliRun.of("replay", "--trace", moment.toString(), "--policy", "keepalive-5", "--json", json.toString(),
                    "--report", html.toString());
        } finally {
            System.setErr(stderr);
        }
        String said = progress.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, r.code(), r.err() + said);
        assertTrue(said.contains("replay: 1 request of task juggling, which no model of the catalogue serves: not"
                + " simulated"), said);
        JsonObject k5 = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonObject("policies")
                .getAsJsonObject("keepalive-5");
        assertEquals(1, k5.get("cold_starts").getAsInt(), "the chat request, the juggling one not simulated");
        assertTrue(k5.get("cold_starts_per_active_user_hour").isJsonNull(), "null, not NaN (not JSON): " + k5);
        assertTrue(Files.readString(html).contains("No active time"), "the report says why it has no plot");
    }

    @Test
    void badOptionsAndUnreadableTracesAreOneClearLine() throws Exception {
        Path good = dir.resolve("t.jsonl");
        Files.writeString(good, "{\"user\": \"a\", \"at\": 1000, \"kind\": \"change\"}\n");
        CliRun policy = CliRun.of("replay", "--trace", good.toString(), "--policy", "nope");
        assertEquals(2, policy.code());
        assertTrue(policy.err().startsWith(REFUSED + "replay: --policy: unknown policy 'nope'"), policy.err());
        CliRun format = CliRun.of("replay", "--trace", good.toString(), "--format", "xml");
        assertEquals(2, format.code());
        assertTrue(format.err().startsWith(REFUSED + "replay: --format must be blaze or jsonl: xml"), format.err());
        CliRun missing = CliRun.of("replay", "--trace", dir.resolve("none.jsonl").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith(REFUSED + "replay: --trace: no readable file at "), missing.err());
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"user\": \"a\", \"at\": 1000, \"kind\": \"change\"}\n{\"user\": \"a\"}\n");
        CliRun broken = CliRun.of("replay", "--trace", bad.toString(), "--policy", "keepalive-5");
        assertEquals(1, broken.code());
        assertEquals(REFUSED + "replay: " + bad + ":2: 'at' (epoch milliseconds) is required", broken.err().strip());
        Path endless = dir.resolve("endless.jsonl"); // no trace: a line longer than any event, read to the cap only
        Files.writeString(endless, "{\"user\": \"a\", \"at\": 1000, \"kind\": \"change\"}\n"
                + "a".repeat(TraceFiles.MAX_LINE + 1));
        CliRun tooLong = CliRun.of("replay", "--trace", endless.toString(), "--policy", "keepalive-5");
        assertEquals(1, tooLong.code());
        assertEquals(REFUSED + "replay: " + endless + ": line 2 is longer than 1048576 characters: not a trace",
                tooLong.err().strip());
        // refused by picocli itself
        CliRun number = CliRun.of("replay", "--trace", good.toString(), "--budget-gb", "twelve");
        assertEquals(2, number.code());
        assertTrue(number.err().startsWith(REFUSED + "replay: Invalid value for option '--budget-gb': 'twelve'"),
                number.err());
        Map<String[], String> refusedValues = new LinkedHashMap<>();
        String budget = "--budget-gb must be more than 0 and at most 1000000: ";
        refusedValues.put(new String[] {"--budget-gb", "-5"}, budget + "-5.0");
        refusedValues.put(new String[] {"--budget-gb", "NaN"}, budget + "NaN");
        refusedValues.put(new String[] {"--max-warm", "0"}, "--max-warm must be 1 or more: 0"); // was a stack trace
        refusedValues.put(new String[] {"--users", "-3"}, "--users must be 0 (all) or more: -3");
        refusedValues.put(new String[] {"--policy", "predictive@2"},
                "--policy: the knob of predictive is a decision threshold, from 0 to 1: predictive@2");
        refusedValues.put(new String[] {"--policy", "predictive@NaN"},
                "--policy: the knob of predictive is a decision threshold, from 0 to 1: predictive@NaN");
        refusedValues.put(new String[] {"--policy", "keepalive-99999999999"},
                "--policy: the knob of keepalive is minutes (up to a year), from 0 to 525600: keepalive-99999999999");
        refusedValues.put(new String[] {"--policy", "keep-oracle@0"}, "--policy: the knob of keep-oracle is"
                + " GB·minutes per cold start, from 0.001 to 1000000: keep-oracle@0");
        for (Map.Entry<String[], String> v : refusedValues.entrySet()) {
            CliRun r = CliRun.of("replay", "--trace", good.toString(), v.getKey()[0], v.getKey()[1]);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith(REFUSED + "replay: " + v.getValue() + "\n"), r.err());
        }
        CliRun server = CliRun.of("--data-dri", dir.toString()); // the server's own command line, as editors pass it
        assertEquals(2, server.code());
        assertTrue(server.err().startsWith(REFUSED + "warmup-server: Unknown options: '--data-dri'"), server.err());
        assertTrue(server.err().contains("--data-dir"), "the suggestion and the usage name the option meant");
        for (CliRun r : new CliRun[] {policy, format, missing, broken, tooLong, number, server}) {
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    @Test
    void aBadCatalogueIsNamedInOneLineWithItsEntry() throws Exception {
        Path trace = dir.resolve("t.jsonl");
        Files.writeString(trace, "{\"user\": \"a\", \"at\": 1000, \"kind\": \"change\"}\n"
                + "{\"user\": \"a\", \"at\": 2000, \"kind\": \"model_used\", \"task\": \"completion\"}\n");
        String coder = "{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500, \"loadSeconds\": 3}";
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("[{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": \"x\"}]",
                ": [0].memoryMb = \"x\" is not allowed; expected ");
        refused.put(coder, ": expected a non-empty JSON array of models like warmup.models");
        refused.put("[" + coder + ", 7]", ": [1] = 7 is not a model object");
        refused.put("[" + coder + ",", ": not JSON (malformed at column ");
        refused.put("[" + coder + ", " + coder + "]", ": [1].id: model coder comes twice");
        refused.put("[" + coder + ", " + coder.replace("coder", "other") + "]",
                ": task completion is served by two models");
        for (Map.Entry<String, String> c : refused.entrySet()) {
            Path file = dir.resolve("catalog.json");
            Files.writeString(file, c.getKey());
            CliRun r = CliRun.of("replay", "--trace", trace.toString(), "--catalog", file.toString(), "--policy",
                    "keepalive-5");
            assertEquals(1, r.code(), c.getKey() + " -> " + r.err());
            assertTrue(r.err().startsWith(REFUSED + "replay: " + file + c.getValue()), c.getKey() + " -> " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
        Path huge = dir.resolve("huge.json"); // read whole, so its size is checked first
        Files.writeString(huge, " ".repeat(1 << 20) + "[" + coder + "]");
        CliRun r = CliRun.of("replay", "--trace", trace.toString(), "--catalog", huge.toString(), "--policy",
                "keepalive-5");
        assertEquals(1, r.code());
        assertEquals(REFUSED + "replay: " + huge + ": " + Files.size(huge) + " bytes; a catalogue is a JSON array of"
                + " models, not over 1048576 bytes", r.err().strip());
        Path withBackend = dir.resolve("backend.json"); // as copied from the settings: the backend plays no part
        Files.writeString(withBackend, "[" + coder.replace("}", ", \"backend\": \"local\"}") + "]");
        assertEquals(0, CliRun.of("replay", "--trace", trace.toString(), "--catalog", withBackend.toString(),
                "--policy", "keepalive-5").code());
    }

    @Test
    void mutatedCataloguesAreReplayedOrRefusedInOneLine() throws Exception {
        Path trace = dir.resolve("t.jsonl");
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            events.append("{\"user\": \"u").append(i % 3).append("\", \"at\": ").append(1000 + i * 60_000L)
                    .append(", \"kind\": \"model_used\", \"task\": \"").append(i % 2 == 0 ? "completion" : "chat")
                    .append("\"}\n");
        }
        Files.writeString(trace, events);
        JsonElement good = JsonParser.parseString("[{\"id\": \"coder\", \"tasks\": [\"completion\"], "
                + "\"memoryMb\": 1500, \"loadSeconds\": 3}, {\"id\": \"chat\", \"tasks\": [\"chat\"], "
                + "\"memoryMb\": 5500, \"loadSeconds\": 10}]");
        JsonMutator mutator = new JsonMutator(20261130);
        int replayed = 0;
        for (int round = 0; round < 150; round++) {
            Path file = dir.resolve("catalog-" + round + ".json");
            Files.writeString(file, mutator.mutate(good).toString());
            CliRun r = CliRun.of("replay", "--trace", trace.toString(), "--catalog", file.toString(), "--policy",
                    "keepalive-5,predictive");
            if (r.code() == 0) {
                replayed++;
                continue;
            }
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().startsWith(REFUSED + "replay: " + file + ": "), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
        assertTrue(replayed >= 5 && replayed <= 145, "both ways met: " + replayed + " of 150 replayed");
    }
}
