package dev.warmup.server.soak;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.backend.real.RealLlamaServer;
import dev.warmup.server.replay.BlazeTraceSource;
import dev.warmup.server.replay.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak, run on demand ({@code -Dsoak.minutes=N}; skipped otherwise): Blaze developers' events
 * ({@code ../shared/data}) drive the packaged server over stdio, as editors with an AI extension would, against a
 * real llama.cpp router serving one tiny model per task ({@code scripts/llama-server.sh}). Context events go to the
 * server as {@code warmup/activity}; each request of a task is sent to the router by the "extension"
 * ({@link RouterUser}), which then reports it with {@code warmup/modelUsed}, cold or not as the router listed the model
 * before. {@code soak.windows} editor windows (default 1), each with its server on the one data directory, play
 * developers {@code soak.user} (the file's position, default 0), the next, and so on, at once, each from their event
 * {@code soak.from} (default 0), at {@code soak.speed} times the trace's pace (default 10), gaps longer than
 * {@code soak.maxGapSeconds} of the trace (default 1800) cut to that, with the servers' budget {@code soak.budgetMb}
 * (default 12000; the catalogue's 1.5, 5, 5.5 and 10 GB as in the replay's evaluation). Every 5 s each server's
 * status is set beside the router's list. Prints what happened; fails if a request fails, a server dies, logs an
 * error or drops an event, or if, two minutes after the last event, one does not see the router's models as the
 * router lists them or holds more than its budget.
 */
class BlazeSoakIT {
    static final Map<String, String> MODEL_OF = Map.of("completion", "coder", "analysis", "analyst", "chat",
            "chatter", "refactoring", "refactorer");
    private static final String CATALOGUE = "[{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500,"
            + " \"loadSeconds\": 3, \"backend\": \"llama\"}, {\"id\": \"analyst\", \"tasks\": [\"analysis\"],"
            + " \"memoryMb\": 5000, \"loadSeconds\": 8, \"backend\": \"llama\"}, {\"id\": \"chatter\", \"tasks\":"
            + " [\"chat\"], \"memoryMb\": 5500, \"loadSeconds\": 10, \"backend\": \"llama\"}, {\"id\": \"refactorer\","
            + " \"tasks\": [\"refactoring\"], \"memoryMb\": 10000, \"loadSeconds\": 20, \"backend\": \"llama\"}]";

    @TempDir Path data;
    @TempDir Path llamaDir;

    @Test
    void developersDaysDriveThePackagedServerAgainstARealRouter() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("soak.minutes", "0"));
        Assumptions.assumeTrue(minutes > 0, "a soak, run on demand: -Dsoak.minutes=N");
        double speed = Double.parseDouble(System.getProperty("soak.speed", "10"));
        long maxGapMillis = Long.parseLong(System.getProperty("soak.maxGapSeconds", "1800")) * 1000;
        int budgetMb = Integer.parseInt(System.getProperty("soak.budgetMb", "12000"));
        int firstUser = Integer.parseInt(System.getProperty("soak.user", "0"));
        int from = Integer.parseInt(System.getProperty("soak.from", "0"));
        int windows = Integer.parseInt(System.getProperty("soak.windows", "1"));
        Path tracePath = Path.of(System.getProperty("soak.trace",
                "../../shared/data/abb-blaze-ide-interactions/blaze_events.csv.xz")).toAbsolutePath();
        Trace trace = new BlazeTraceSource().read(tracePath);
        Path jar = Path.of(System.getProperty("warmup.jar", "target/warmup-server.jar")).toAbsolutePath();

        try (RealLlamaServer llama = RealLlamaServer.router(llamaDir, List.copyOf(MODEL_OF.values()))) {
            RouterUser extension = new RouterUser(llama);
            String settings = "{\"maxMemoryMb\": " + budgetMb + ", \"backends\": {\"llama\": {\"type\": \"llamacpp\","
                    + " \"url\": \"" + llama.url() + "\"}}, \"models\": " + CATALOGUE + "}";
            List<SoakWindow> opened = new ArrayList<>();
            try {
                for (int w = 0; w < windows; w++) { // every window's server on the one data directory, as editors do
                    opened.add(new SoakWindow(jar, data.resolve("data"), data.resolve("server-" + w + ".log"),
                            trace.users().get(firstUser + w), extension, settings));
                }
                ScheduledExecutorService looks = Executors.newSingleThreadScheduledExecutor();
                looks.scheduleWithFixedDelay(() -> opened.forEach(SoakWindow::look), 5, 5, TimeUnit.SECONDS);
                ExecutorService players = Executors.newFixedThreadPool(windows);
                long start = System.nanoTime();
                long end = start + (long) (minutes * 60e9);
                List<Future<?>> played = new ArrayList<>();
                for (SoakWindow w : opened) {
                    played.add(players.submit(() -> {
                        w.play(trace, from, speed, maxGapMillis, start, end);
                        return null;
                    }));
                }
                for (Future<?> f : played) {
                    f.get();
                }
                players.shutdown();
                looks.shutdown();
                assertTrue(looks.awaitTermination(1, TimeUnit.MINUTES));
                System.out.printf("soak: %d window(s) from event %d at %.0fx (gaps cut to %d s) for %.0f s, budget %d"
                                + " MB%n", windows, from, speed, maxGapMillis / 1000, (System.nanoTime() - start) / 1e9,
                        budgetMb);
                for (SoakWindow w : opened) {
                    w.finish(System.out);
                }
            } finally {
                opened.forEach(SoakWindow::close);
            }
        }
    }
}
