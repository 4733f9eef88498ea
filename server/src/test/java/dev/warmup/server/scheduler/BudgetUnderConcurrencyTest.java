package dev.warmup.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget is never exceeded under concurrent predictions: random catalogues and budgets, every model wanted (the
 * catalogue needs more than the budget), ticks from several threads at once, loads released by the model server in
 * random order and time, the clock jumping past load timeouts. The model server itself records the most memory and
 * models it ever held at once, loads in progress included; the server's own accounting is checked after every tick.
 */
class BudgetUnderConcurrencyTest {
    private static final List<String> TASKS = List.of("completion", "analysis", "chat", "refactoring");
    private static final long MIB = 1024 * 1024;

    @TempDir Path dir;

    @Test
    void randomSchedulesNeverBreakTheBudgetNorTheModelLimit() throws Exception {
        Random r = new Random(20261129);
        int loadsSeen = 0;
        for (int round = 0; round < 6; round++) {
            loadsSeen += round(r, dir.resolve("round" + round));
        }
        assertTrue(loadsSeen > 0, "no load happened: the test proved nothing");
    }

    private int round(Random r, Path data) throws Exception {
        Files.createDirectories(data);
        int n = 4 + r.nextInt(4);
        int budget = 3000 + r.nextInt(3000);
        int maxWarm = 1 + r.nextInt(3);
        StringBuilder models = new StringBuilder();
        List<String> ids = new ArrayList<>();
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(data)) {
            for (int i = 0; i < n; i++) {
                String id = "m" + i;
                int mb = 500 + r.nextInt(2500);
                ids.add(id);
                ollama.size(id, mb * MIB);
                ollama.gate(id);
                models.append(i == 0 ? "" : ",").append(String.format(
                        "{\"id\": \"%s\", \"tasks\": [\"%s\"], \"memoryMb\": %d, \"loadSeconds\": %d, \"backend\": \"local\"}",
                        id, TASKS.get(i % TASKS.size()), mb, 1 + r.nextInt(20)));
            }
            h.injector.getInstance(UsageStore.class).append(busyHour(h.clock.millis()));
            h.initialize(String.format("{\"maxMemoryMb\": %d, \"maxWarmModels\": %d, \"maxConcurrentLoads\": %d, "
                    + "\"predictionThreshold\": 0.05, \"maxCpuPercent\": 100, \"backends\": {\"local\": {\"type\": \"ollama\", \"url\": \"%s\"}},"
                    + " \"models\": [%s]}", budget, maxWarm, 1 + r.nextInt(3), ollama.url(), models));
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            ModelStates states = h.injector.getInstance(ModelStates.class);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> work = new ArrayList<>();
                long seed = r.nextLong();
                for (int thread = 0; thread < 3; thread++) {
                    Random tr = new Random(seed + thread);
                    work.add(pool.submit(() -> {
                        for (int i = 0; i < 15; i++) {
                            scheduler.tick().get(30, TimeUnit.SECONDS);
                            assertTrue(states.heldMb() <= budget, states.heldMb() + " MB held > " + budget);
                            if (tr.nextInt(4) == 0) {
                                h.clock.advance(Duration.ofSeconds(tr.nextInt(45)));
                            }
                        }
                        return null;
                    }));
                }
                Random gr = new Random(seed - 1);
                work.add(pool.submit(() -> { // the model server finishes loads in random order
                    List<String> order = new ArrayList<>(ids);
                    java.util.Collections.shuffle(order, gr);
                    for (String id : order) {
                        scheduler.tick().get(30, TimeUnit.SECONDS);
                        ollama.gate(id).complete(null);
                    }
                    return null;
                }));
                for (Future<?> f : work) {
                    f.get(120, TimeUnit.SECONDS);
                }
                scheduler.tick().get(30, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            ids.forEach(id -> ollama.gate(id).complete(null));
            String where = "round with budget " + budget + " MB, " + maxWarm + " models at most";
            assertTrue(ollama.peakBytes() <= budget * MIB, where + ": the model server held "
                    + ollama.peakBytes() / MIB + " MB at once");
            assertTrue(ollama.peakModels() <= maxWarm, where + ": the model server held " + ollama.peakModels()
                    + " models at once");
            return (int) ollama.requests.stream().filter(q -> q.contains("/api/generate")
                    && !q.contains("\"keep_alive\":0")).count();
        }
    }

    /** Every task used every half minute for the last hour: each model is wanted. */
    private static List<UsageEvent> busyHour(long now) {
        List<UsageEvent> events = new ArrayList<>();
        for (long t = now - 3_600_000; t < now; t += 30_000) {
            events.add(UsageEvent.simple(t, EventKind.CHANGE, null, null));
            for (int k = 0; k < TASKS.size(); k++) {
                events.add(new UsageEvent(t + 1000 + k, EventKind.MODEL_USED, null, TASKS.get(k), null, null, null,
                        0, 0, -1, -1, 50, false));
            }
        }
        return events;
    }
}
