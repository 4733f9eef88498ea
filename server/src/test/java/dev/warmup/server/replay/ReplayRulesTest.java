package dev.warmup.server.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.warmup.server.replay.policies.KeepAlivePolicy;
import dev.warmup.server.replay.report.HtmlReporter;
import dev.warmup.server.replay.report.JsonReporter;
import dev.warmup.server.trace.TraceWriter;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's rules, the proxy mapping, the trace formats, the report shape, and that policies cannot peek. */
class ReplayRulesTest {
    @TempDir Path dir;

    @Test
    void blazeProxyMapsSampleRowsByTheFirstMatchingRule() {
        BlazeProxyMapping proxy = new BlazeProxyMapping(Map.of("Edit.Paste", "Edit", "Debug.StepOver", "Debug",
                "Edit.Rename", "Edit", "Edit.Find", "Search", "View.File", "NULL", "Build.BuildDone", "Build",
                "Refactor.Tool", "Refactoring"));
        assertEquals("completion", proxy.taskOf("Edit.Paste"));
        assertEquals("completion", proxy.taskOf("edit.paste")); // the join is case-insensitive
        assertEquals("analysis", proxy.taskOf("Debug.StepOver"));
        assertEquals("analysis", proxy.taskOf("Build.BuildDone"));
        assertEquals("analysis", proxy.taskOf("View.Error List"));
        assertEquals("refactoring", proxy.taskOf("Edit.Rename")); // "contains rename" comes before category Edit
        assertEquals("refactoring", proxy.taskOf("ReSharper.ReSharper_ExtractMethod"));
        assertEquals("refactoring", proxy.taskOf("Refactor.Tool"));
        assertEquals("chat", proxy.taskOf("Edit.Find")); // category Search
        assertEquals("chat", proxy.taskOf("Help.F1Help"));
        assertEquals("chat", proxy.taskOf("view.object browser"));
        assertNull(proxy.taskOf("View.File"));
        assertNull(proxy.taskOf("View.Error List Extra")); // "is" is a whole-message match
    }

    @Test
    void blazeReaderSortsEachUserStablyAndCountsSessions() throws Exception {
        Files.writeString(dir.resolve("MessageList.csv"), "id,message,num_users,category\n0,Edit.Paste,1,Edit\n"
                + "1,View.File,1,NULL\n");
        Files.writeString(dir.resolve("t.csv"), "timestamp,developer_id,message\n"
                + "2014-01-01 10:00:05,7,Edit.Paste\n2014-01-01 10:00:00,7,View.File\n"
                + "2014-01-01 10:00:05,7,View.File\n2014-01-01 11:00:00,8,Edit.Paste\n"
                + "2014-01-01 10:30:05,7,View.File\n");
        Trace t = new BlazeTraceSource().read(dir.resolve("t.csv"));
        UserTrace u = t.users().get(0);
        assertEquals("7", u.user());
        assertEquals(List.of("View.File", "Edit.Paste", "View.File", "View.File"),
                java.util.stream.IntStream.range(0, u.size()).mapToObj(i -> t.details()[u.details()[i]]).toList());
        TraceTotals totals = TraceTotals.of(t);
        assertEquals(2, totals.users());
        assertEquals(3, totals.sessions()); // user 7: a 30-minute gap splits; user 8: one event
        assertEquals(5 / 3600.0, totals.activeUserHours(), 1e-12);
        assertEquals(2L, totals.requests().get("completion"));
    }

    @Test
    void jsonlTracesRoundTripThroughTheWriter() throws Exception {
        StringWriter out = new StringWriter();
        try (TraceWriter w = new TraceWriter(out, "me")) {
            w.write(UsageEvent.simple(2_000, EventKind.COMMAND, "warmup.status", null));
            w.write(new UsageEvent(1_000, EventKind.MODEL_USED, null, "chat", "llama3", null, "secret-hash", 0, 0, -1,
                    -1, 120, false));
        }
        assertTrue(!out.toString().contains("secret-hash"), "no URI hashes in exported traces");
        Path file = dir.resolve("t.jsonl");
        Files.writeString(file, out.toString());
        Trace t = new JsonlTraceSource().read(file);
        assertEquals(List.of("chat"), t.tasks());
        UserTrace u = t.users().get(0);
        assertEquals(1_000, u.times()[0]);
        assertEquals(0, u.tasks()[0]);
        assertEquals("command:warmup.status", t.details()[u.details()[1]]);
    }

    @Test
    void badJsonlNamesTheLine() throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"at\": 1, \"kind\": \"open\"}\n{\"kind\": \"open\"}\n");
        Exception e = assertThrows(java.io.IOException.class, () -> new JsonlTraceSource().read(file));
        assertTrue(e.getMessage().contains("bad.jsonl:2"), e.getMessage());
    }

    @Test
    void aPolicySeesOnlyThePast() {
        MicroTrace m = new MicroTrace();
        for (int i = 0; i < 50; i++) {
            m.ctx(i * 7L);
            if (i % 3 == 0) {
                m.req(i * 7L + 1, i % 2 == 0 ? "chat" : "completion");
            }
        }
        List<String> violations = new ArrayList<>();
        Policy spy = new Policy() {
            @Override
            public void start(Sim sim) {
                sim.schedule(sim.now() + 5_000, 0, Sim.Action.WAKE, 0);
            }

            @Override
            public void onEvent(Sim sim, UsageEvent e) {
                if (e.at() > sim.now()) {
                    violations.add("event from the future at " + sim.now());
                }
            }

            @Override
            public void onWake(Sim sim, int model, long tag) {
                sim.schedule(sim.now() + 5_000, 0, Sim.Action.WAKE, 0);
            }
        };
        assertTrue(!(spy instanceof Clairvoyant));
        MicroTrace.run(m.trace(), spy);
        assertEquals(List.of(), violations);
    }

    @Test
    void theJsonReportHasTheDocumentedShape() {
        Trace t = new MicroTrace().req(0, "chat").ctx(1200).trace();
        TraceTotals totals = TraceTotals.of(t);
        Outcome o = MicroTrace.run(t, new KeepAlivePolicy(5));
        JsonObject json = JsonReporter.toJson(totals, Map.of("keepalive-5", o));
        JsonObject tt = json.getAsJsonObject("totals");
        for (String k : List.of("users", "events", "sessions", "active_user_hours", "requests")) {
            assertTrue(tt.has(k), k);
        }
        JsonObject p = json.getAsJsonObject("policies").getAsJsonObject("keepalive-5");
        for (String k : List.of("cold_starts", "cold_starts_per_active_user_hour", "wait_s",
                "wait_s_per_active_user_hour", "warm_gb_h", "warm_gb_h_per_active_user_hour", "wasted_loads",
                "budget_violations")) {
            assertTrue(p.has(k), k);
        }
        assertEquals(1, p.get("cold_starts").getAsLong());
        assertEquals(1200 / 3600.0, tt.get("active_user_hours").getAsDouble(), 1e-12);
        assertFalse(json.has("bar"), "no bar to read without keepalive-10, keepalive-60 and our curve");

        Map<String, Outcome> bar = new LinkedHashMap<>();
        bar.put("keepalive-10", MicroTrace.run(t, new KeepAlivePolicy(10)));
        bar.put("keepalive-60", MicroTrace.run(t, new KeepAlivePolicy(60)));
        bar.put("predictive", o);
        JsonObject read = JsonReporter.toJson(totals, bar).getAsJsonObject("bar");
        assertEquals("keepalive-10", read.get("memory_of").getAsString());
        assertEquals("keepalive-60", read.get("cold_starts_of").getAsString());
        assertEquals(3, read.get("bar_cold_starts_per_active_user_hour").getAsDouble(), 1e-12); // 1 in 20 minutes
        assertTrue(read.get("predictive_cold_starts_per_active_user_hour").isJsonNull(), "one point: not read");
        assertFalse(read.get("met").getAsBoolean());
    }

    @Test
    void theHtmlReportDrawsOneCurvePerFamilyWhateverTheSpelling() throws Exception {
        Trace t = new MicroTrace().req(0, "chat").req(900, "chat").ctx(1200).trace();
        PolicyRegistry r = PolicyRegistry.standard();
        Map<String, Outcome> outcomes = new java.util.LinkedHashMap<>();
        for (String name : List.of("keepalive-10", "keepalive@15", "keep-oracle-1m@50", "oracle")) {
            outcomes.put(name, MicroTrace.run(t, r.create(name)));
        }
        Path html = dir.resolve("report.html");
        new HtmlReporter(html, "micro", r::familyName).report(TraceTotals.of(t), outcomes);
        String page = Files.readString(html);
        String plot = page.substring(page.indexOf("<svg"), page.indexOf("</svg>"));
        for (String legend : List.of(">keepalive<", ">keep-oracle-1m<", ">oracle<")) {
            assertEquals(1, plot.split(legend, -1).length - 1, legend); // one legend entry per family
        }
        assertTrue(plot.contains("keepalive@15: ") && plot.contains("keepalive-10: "), "each point keeps its name");
    }

    @Test
    void policyNamesTakeKnobsAndUnknownNamesAreRefused() {
        PolicyRegistry r = PolicyRegistry.baselines();
        assertEquals(9, r.expand("all").size());
        assertTrue(r.create("keepalive@7") instanceof KeepAlivePolicy);
        assertThrows(IllegalArgumentException.class, () -> r.expand("nope"));
        assertThrows(IllegalArgumentException.class, () -> r.expand("oracle@3"));
        assertEquals(r.canonical("keepalive-10"), r.canonical("keepalive@10.0"));
    }

    @Test
    void theSweepSkipsPointsAlreadyRunUnderAnotherName() {
        PolicyRegistry r = PolicyRegistry.standard();
        List<String> sweep = r.sweepBeyond(List.of("keepalive-10", "predictive", "oracle"));
        assertTrue(sweep.contains("keepalive@15") && sweep.contains("predictive@0.99"), sweep.toString());
        assertTrue(!sweep.contains("keepalive@10") && !sweep.contains("predictive@0.7"), sweep.toString());
        assertEquals(11 - 1 + 7 - 1, sweep.size(), sweep.toString()); // oracle has no knob: no sweep
    }

    @Test
    void theAuditCatchesAPolicyThatBreaksTheBudget() {
        LoadAudit audit = new LoadAudit();
        audit.record(0, 100, 10_000);
        audit.record(50, 150, 5_000);  // 15 GB at 50
        audit.record(100, 200, 5_000); // 10 GB at 100: the first interval ended at 100
        assertEquals(1, audit.violations(12_000, 5));
    }

    @Test
    void theModelTallySaysWhetherAColdStartMissedFoundALoadOrReachedALatePreWarm() {
        // chat (5.5 GB, 10 s): a context event at 0 makes the policy pre-warm chat, too late for the request at 4;
        // at 7 a second request also waits; analysis at 20 misses, and at 22 waits behind that miss
        Trace t = new MicroTrace().ctx(0).req(4, "chat").req(7, "chat").req(20, "analysis").req(22, "analysis")
                .trace();
        Policy latePreWarm = new Policy() {
            @Override
            public void onEvent(Sim sim, UsageEvent event) {
                if (event.task() == null) {
                    sim.load(2);
                }
            }
        };
        Outcome o = MicroTrace.run(t, latePreWarm);
        ModelTally chat = o.byModel().get(2);
        ModelTally analysis = o.byModel().get(1);
        assertEquals(4, o.coldStarts());
        assertEquals(0, chat.misses());
        assertEquals(2, chat.whileLoading());
        assertEquals(1, chat.latePrewarms());
        assertEquals(1, analysis.misses());
        assertEquals(1, analysis.whileLoading());
        assertEquals(0, analysis.latePrewarms());
        assertEquals(5500.0 * 22_000, chat.mbMillis(), 1e-6); // held [0, 22): the trace ends at its last event
        assertEquals(0, chat.wastedMbMillis(), 1e-6);
        assertEquals(o.mbMillis(), o.byModel().stream().mapToDouble(ModelTally::mbMillis).sum(), 1e-6);
        Outcome twice = o.plus(o);
        assertEquals(4, twice.byModel().get(2).whileLoading());
        assertEquals(o.byModel(), Outcome.ZERO.plus(o).byModel());
    }

    @Test
    void theModelTallyCountsTheColdStartsOfASessionsFirstRequestAndItsBurst() {
        // keepalive-5, analysis (8 s): 0 misses (the session's first) and 5 waits on that load (its burst); 600 misses
        // 10 minutes into the session (not a first); 700 is a context event; 3000 opens a new session (38 minutes
        // after 700) and misses; a context event at 3010 and a request at 3020 do not start another session.
        Trace t = new MicroTrace().req(0, "analysis").req(5, "analysis").req(600, "analysis").ctx(700)
                .req(3000, "analysis").ctx(3010).req(3020, "analysis").trace();
        ModelTally analysis = MicroTrace.run(t, new KeepAlivePolicy(5)).byModel().get(1);
        assertEquals(3, analysis.misses());
        assertEquals(1, analysis.whileLoading());
        assertEquals(3, analysis.sessionFirst(), "0, 5 and 3000; not 600, which came after a 10-minute gap");
        assertEquals(6, analysis.plus(analysis).sessionFirst());
    }
}
