package dev.warmup.server.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.server.backend.real.RealLlamaServer;
import dev.warmup.server.lsp.RawLspProcess;
import dev.warmup.server.replay.BlazeTraceSource;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.UserTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak, run on demand ({@code -Dsoak.minutes=N}; skipped otherwise): one Blaze developer's events
 * ({@code ../shared/data}) drive the packaged server over stdio, as an editor with an AI extension would, against a
 * real llama.cpp router serving one tiny model per task ({@code scripts/llama-server.sh}). Context events go to the
 * server as {@code warmup/activity}; each request of a task is sent to the router by the "extension"
 * ({@link RouterUser}), which then reports it with {@code warmup/modelUsed}, cold or not as the router listed the model
 * before. The trace is played at {@code soak.speed} times its pace (default 10), gaps longer than
 * {@code soak.maxGapSeconds} of the trace (default 1800) cut to that, from developer {@code soak.user} (the file's
 * position, default 0) and their event {@code soak.from} (default 0), with the server's budget {@code soak.budgetMb}
 * (default 12000; the catalogue's 1.5, 5, 5.5 and 10 GB as in the replay's evaluation). Every 5 s the server's
 * status is set beside the router's list. Prints what happened; fails if a request fails, the server dies, logs an
 * error or drops an event, or if, two minutes after the last event, it does not see the router's models as the
 * router lists them or holds more than its budget.
 */
class BlazeSoakIT {
    private static final Map<String, String> MODEL_OF = Map.of("completion", "coder", "analysis", "analyst", "chat",
            "chatter", "refactoring", "refactorer");
    private static final String CATALOGUE = "[{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500,"
            + " \"loadSeconds\": 3, \"backend\": \"llama\"}, {\"id\": \"analyst\", \"tasks\": [\"analysis\"],"
            + " \"memoryMb\": 5000, \"loadSeconds\": 8, \"backend\": \"llama\"}, {\"id\": \"chatter\", \"tasks\":"
            + " [\"chat\"], \"memoryMb\": 5500, \"loadSeconds\": 10, \"backend\": \"llama\"}, {\"id\": \"refactorer\","
            + " \"tasks\": [\"refactoring\"], \"memoryMb\": 10000, \"loadSeconds\": 20, \"backend\": \"llama\"}]";

    @TempDir Path data;
    @TempDir Path llamaDir;

    @Test
    void aDevelopersDayDrivesThePackagedServerAgainstARealRouter() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("soak.minutes", "0"));
        Assumptions.assumeTrue(minutes > 0, "a soak, run on demand: -Dsoak.minutes=N");
        double speed = Double.parseDouble(System.getProperty("soak.speed", "10"));
        long maxGapMillis = Long.parseLong(System.getProperty("soak.maxGapSeconds", "1800")) * 1000;
        int budgetMb = Integer.parseInt(System.getProperty("soak.budgetMb", "12000"));
        Path tracePath = Path.of(System.getProperty("soak.trace",
                "../../shared/data/abb-blaze-ide-interactions/blaze_events.csv.xz")).toAbsolutePath();
        Trace trace = new BlazeTraceSource().read(tracePath);
        UserTrace user = trace.users().get(Integer.parseInt(System.getProperty("soak.user", "0")));
        Path jar = Path.of(System.getProperty("warmup.jar", "target/warmup-server.jar")).toAbsolutePath();
        Path log = data.resolve("server.log");
        SoakTally tally = new SoakTally();

        try (RealLlamaServer llama = RealLlamaServer.router(llamaDir, List.copyOf(MODEL_OF.values()));
             RawLspProcess server = RawLspProcess.packaged(jar, data.resolve("data"), log)) {
            RouterUser extension = new RouterUser(llama.url());
            JsonObject init = JsonParser.parseString("{\"processId\": null, \"capabilities\": {},"
                    + " \"initializationOptions\": {\"settings\": {\"warmup\": {\"maxMemoryMb\": " + budgetMb + ","
                    + " \"backends\": {\"llama\": {\"type\": \"llamacpp\", \"url\": \"" + llama.url() + "\"}},"
                    + " \"models\": " + CATALOGUE + "}}}}").getAsJsonObject();
            server.request("initialize", init);
            server.notify("initialized", new JsonObject());

            ExecutorService requests = Executors.newSingleThreadExecutor(); // the extension answers one at a time
            ScheduledExecutorService looks = Executors.newSingleThreadScheduledExecutor();
            looks.scheduleWithFixedDelay(() -> tally.look(server, extension), 5, 5, TimeUnit.SECONDS);
            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            int from = Integer.parseInt(System.getProperty("soak.from", "0"));
            long traceAt = user.times()[from];
            long wallAt = start;
            int sent = 0;
            for (int i = from; i < user.size() && wallAt < end; i++) {
                long gap = Math.min(user.times()[i] - traceAt, maxGapMillis);
                traceAt = user.times()[i];
                wallAt += (long) (gap * 1e6 / speed);
                LockSupport.parkNanos(wallAt - System.nanoTime()); // the trace's pace: a load generator's clock
                String detail = trace.details()[user.details()[i]];
                int task = user.tasks()[i];
                if (task < 0) {
                    server.notify("warmup/activity", JsonParser.parseString("{\"kind\": "
                            + new com.google.gson.Gson().toJson(detail) + "}"));
                } else {
                    String taskName = trace.tasks().get(task);
                    requests.execute(() -> tally.ask(server, extension, MODEL_OF.get(taskName), taskName));
                }
                sent++;
            }
            requests.shutdown();
            assertTrue(requests.awaitTermination(5, TimeUnit.MINUTES), "the extension's last requests answered");
            looks.shutdown();
            assertTrue(looks.awaitTermination(1, TimeUnit.MINUTES));
            double wall = (System.nanoTime() - start) / 1e9;

            tally.drain(server);
            Map<String, String> agreed = tally.awaitAgreement(server, extension, 120);
            JsonObject metrics = server.command("warmup.metrics");
            long peakKb = SoakTally.peakResidentKb(server.process.pid());
            assertTrue(server.process.isAlive(), "the server still runs");
            server.request("shutdown", null);
            server.notify("exit", null);
            assertTrue(server.process.waitFor(60, TimeUnit.SECONDS), "the server exits when asked");

            System.out.printf("soak: developer %s, %d events from their event %d (%.1f trace hours, gaps cut to %d s)"
                            + " at %.0fx in %.0f s, budget %d MB; server peak resident %d MiB%n", user.user(), sent,
                    from,
                    (traceAt - user.times()[from]) / 3.6e6, maxGapMillis / 1000, speed, wall, budgetMb, peakKb / 1024);
            tally.print(System.out);
            System.out.println("final agreement: " + agreed);
            System.out.println("metrics: " + metrics);
            List<String> lines = Files.readAllLines(log);
            Map<String, Integer> logged = SoakTally.logLevels(lines);
            System.out.println("server log lines by level and code: " + logged);
            lines.stream().filter(l -> l.contains(" WARNING ") || l.contains(" SEVERE ")).limit(40)
                    .forEach(l -> System.out.println("  " + l));
            assertEquals(0, tally.failedAnswers(), "every request answered by the router");
            assertEquals(0, metrics.get("eventsDropped").getAsLong(), "no event dropped");
            assertTrue(logged.keySet().stream().noneMatch(k -> k.startsWith("SEVERE")), "no error logged: " + logged);
        }
    }
}
