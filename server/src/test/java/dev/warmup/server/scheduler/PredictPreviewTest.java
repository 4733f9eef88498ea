package dev.warmup.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ModelPrediction;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.ScheduledWarmup;
import dev.warmup.protocol.WarmupPrediction;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.performance.PerformancePredictor;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code warmup/predict} previews what the scheduler would do: with the load times and memory it has measured. */
class PredictPreviewTest {
    @TempDir Path dir;

    @Test
    void theScheduleUsesMeasuredLoadTimesAndMemoryNotTheCatalogue() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            long now = h.clock.millis();
            List<UsageEvent> busy = new ArrayList<>(); // completion used every 20 s for the last hour
            for (long t = now - 3_600_000L; t < now; t += 20_000) {
                busy.add(new UsageEvent(t, EventKind.MODEL_USED, null, "completion", "coder", null, null, 0, 0,
                        -1, -1, 50, false));
            }
            h.injector.getInstance(UsageStore.class).append(busy);
            h.initialize("{\"predictionThreshold\": 0.5, \"models\": [{\"id\": \"coder\", \"tasks\": "
                    + "[\"completion\"], \"memoryMb\": 1500, \"loadSeconds\": 3}]}");
            h.startPrediction();
            PerformancePredictor performance = h.injector.getInstance(PerformancePredictor.class);
            performance.observe("coder", 7_000, 1_800); // the real model loads slower and is bigger than declared
            ModelSpec coder = h.injector.getInstance(ConfigurationManager.class).current().models().get(0);

            WarmupPrediction p = h.server.getWarmupService().predict(new PredictParams(300, null))
                    .get(10, TimeUnit.SECONDS);
            ScheduledWarmup load = p.schedule().tasks().stream().filter(s -> s.action().equals("load")).findFirst()
                    .orElseThrow(() -> new AssertionError("a busy developer's completion model is planned: " + p));
            assertEquals("coder", load.model());
            assertEquals(performance.expectedLoadSeconds(coder), load.expectedLoadSeconds(), 1e-9);
            assertEquals(7.0, load.expectedLoadSeconds(), 1e-9);
            assertEquals(1_800, load.memoryMb());
            assertEquals(1_800, p.schedule().peakMemoryMb());
            assertEquals(7.0, p.schedule().totalEstimatedSeconds(), 1e-9, "the one load's measured time");
            assertEquals(h.clock.instant().toString(), p.generatedAt());
            assertEquals(p.predictions().get(0).confidence(), p.overallConfidence(), 1e-12, "its one model's");
        }
    }

    @Test
    void aModelUsedInTheLastHalfMinuteIsNotShownUnloadedAsTheSchedulerWouldNotUnloadIt() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            h.initialize("{\"predictionThreshold\": 0.99, \"models\": [{\"id\": \"chatty\", \"tasks\": [\"chat\"], \"memoryMb\": 1000, "
                    + "\"loadSeconds\": 5}]}");
            h.startPrediction();
            // warm and just used, but with no history its forecast (about 4 % within 5 min) is below the keep level
            h.injector.getInstance(ModelStates.class).used("chatty", h.clock.millis() - 10_000, 1000);

            assertEquals(List.of(), unloads(h), "used 10 s ago: in use, as the scheduler counts it");
            h.clock.advance(Duration.ofSeconds(25));
            assertEquals(List.of("chatty"), unloads(h), "35 s since its use: the plan lets it go");
        }
    }

    @Test
    void predictionsComeMostLikelyFirstAndLimitKeepsTheFirst() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            long now = h.clock.millis();
            List<UsageEvent> uses = new ArrayList<>(); // completion every 20 s for the last hour, chat once
            for (long t = now - 3_600_000L; t < now; t += 20_000) {
                uses.add(new UsageEvent(t, EventKind.MODEL_USED, null, "completion", "coder", null, null, 0, 0,
                        -1, -1, 50, false));
            }
            uses.add(new UsageEvent(now - 1_800_000L, EventKind.MODEL_USED, null, "chat", "chatty", null, null, 0, 0,
                    -1, -1, 50, false));
            h.injector.getInstance(UsageStore.class).append(uses);
            h.initialize("{\"models\": [{\"id\": \"chatty\", \"tasks\": [\"chat\"], \"memoryMb\": 1000}, "
                    + "{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500}]}");
            h.startPrediction();

            List<ModelPrediction> all = h.server.getWarmupService().predict(new PredictParams(300, null))
                    .get(10, TimeUnit.SECONDS).predictions();
            assertEquals(List.of("coder", "chatty"), all.stream().map(ModelPrediction::model).toList(),
                    "most likely first, not in the catalogue's order: " + all);
            assertTrue(all.get(0).usageProbability() > all.get(1).usageProbability(), all.toString());
            List<ModelPrediction> one = h.server.getWarmupService().predict(new PredictParams(300, 1))
                    .get(10, TimeUnit.SECONDS).predictions();
            assertEquals(List.of(all.get(0)), one);
        }
    }

    private static List<String> unloads(ServerHarness h) throws Exception {
        WarmupPrediction p = h.server.getWarmupService().predict(new PredictParams(300, null))
                .get(10, TimeUnit.SECONDS);
        return p.schedule().tasks().stream().filter(s -> s.action().equals("unload")).map(ScheduledWarmup::model)
                .toList();
    }
}
