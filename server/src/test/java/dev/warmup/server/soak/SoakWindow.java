package dev.warmup.server.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.server.lsp.RawLspProcess;
import dev.warmup.server.metrics.ProcStatus;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.UserTrace;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One editor window of {@link BlazeSoakIT}: the packaged server it starts, the developer whose events it plays there,
 * and the AI extension sending that developer's requests to the router.
 */
final class SoakWindow implements AutoCloseable {
    private final RawLspProcess server;
    private final Path log;
    private final UserTrace user;
    private final RouterUser extension;
    private final SoakTally tally = new SoakTally();
    private final ExecutorService requests = Executors.newSingleThreadExecutor(); // answered one at a time
    private int sent;
    private double traceHours;

    SoakWindow(Path jar, Path data, Path log, UserTrace user, RouterUser extension, String settings)
            throws Exception {
        this.server = RawLspProcess.packaged(jar, data, log, System.getProperty("soak.logLevel", "info"));
        this.log = log;
        this.user = user;
        this.extension = extension;
        server.request("initialize", JsonParser.parseString("{\"processId\": null, \"capabilities\": {},"
                + " \"initializationOptions\": {\"settings\": {\"warmup\": " + settings + "}}}"));
        server.notify("initialized", new JsonObject());
    }

    /**
     * Plays the developer's events from their {@code from}-th, at {@code speed} times their pace with gaps cut to
     * {@code maxGapMillis}, until {@code endNanos}; then waits for the extension's last answers.
     */
    void play(Trace trace, int from, double speed, long maxGapMillis, long startNanos, long endNanos)
            throws Exception {
        Map<String, String> modelOf = BlazeSoakIT.MODEL_OF;
        from = Math.min(from, user.size() - 1);
        long traceAt = user.times()[from];
        long wallAt = startNanos;
        for (int i = from; i < user.size() && wallAt < endNanos; i++) {
            long gap = Math.min(user.times()[i] - traceAt, maxGapMillis);
            traceAt = user.times()[i];
            wallAt += (long) (gap * 1e6 / speed);
            LockSupport.parkNanos(wallAt - System.nanoTime()); // the trace's pace: a load generator's clock
            int task = user.tasks()[i];
            if (task < 0) {
                server.notify("warmup/activity", JsonParser.parseString("{\"kind\": "
                        + new Gson().toJson(trace.details()[user.details()[i]]) + "}"));
            } else {
                String taskName = trace.tasks().get(task);
                requests.execute(() -> tally.ask(server, extension, modelOf.get(taskName), taskName));
            }
            sent++;
        }
        traceHours = (traceAt - user.times()[from]) / 3.6e6;
        requests.shutdown();
        assertTrue(requests.awaitTermination(5, TimeUnit.MINUTES), "the extension's last requests answered");
    }

    void look() {
        tally.look(server, extension);
    }

    /**
     * Waits until the server sees the router's models as it lists them, within its budget; prints what this window
     * saw; checks that no request failed, no event was dropped and nothing was logged as an error; stops the server.
     */
    void finish(PrintStream out) throws Exception {
        tally.drain(server);
        Map<String, String> agreed = tally.awaitAgreement(server, extension, 120);
        JsonObject metrics = server.command("warmup.metrics");
        long peakKb = ProcStatus.peakResidentKb(server.process.pid()).orElseThrow(
                () -> new IllegalStateException("no VmHWM in /proc/" + server.process.pid() + "/status"));
        assertTrue(server.process.isAlive(), "the server still runs");
        server.request("shutdown", null);
        server.notify("exit", null);
        assertTrue(server.process.waitFor(60, TimeUnit.SECONDS), "the server exits when asked");

        out.printf("developer %s: %d events (%.1f trace hours); server peak resident %d MiB%n", user.user(), sent,
                traceHours, peakKb / 1024);
        tally.print(out);
        out.println("  final agreement: " + agreed);
        out.println("  metrics: " + metrics);
        List<String> lines = Files.readAllLines(log);
        Path kept = Files.createDirectories(Path.of("target", "soak-logs")).resolve(log.getFileName());
        Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        out.println("  server log kept in " + kept.toAbsolutePath());
        Map<String, Integer> logged = SoakTally.logLevels(lines);
        out.println("  server log lines by level and code: " + logged);
        lines.stream().filter(l -> l.contains(" WARNING ") || l.contains(" SEVERE ")).limit(40)
                .forEach(l -> out.println("    " + l));
        assertEquals(0, tally.failedAnswers(), "every request answered by the router");
        assertEquals(0, metrics.get("eventsDropped").getAsLong(), "no event dropped");
        assertTrue(logged.keySet().stream().noneMatch(k -> k.startsWith("SEVERE")), "no error logged: " + logged);
    }

    @Override
    public void close() {
        requests.shutdownNow();
        server.close();
    }
}
