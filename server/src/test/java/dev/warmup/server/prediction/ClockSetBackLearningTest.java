package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ActivityParams;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.SteppedWallClock;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system clock set back an hour while the server runs: the live predictor learns from what follows. (It learns
 * on one forward timeline; before the server's clock absorbed such steps, every event of the next hour came "long
 * before" the last one it had placed, and was left to the next rebuild.)
 */
class ClockSetBackLearningTest {
    private static final String MODELS = "{\"backgroundWarmupEnabled\": false, \"models\": [{\"id\": \"coder\", "
            + "\"tasks\": [\"completion\"], \"memoryMb\": 1500, \"loadSeconds\": 3}, {\"id\": \"chat\", \"tasks\": "
            + "[\"chat\"], \"memoryMb\": 5500, \"loadSeconds\": 10}]}";

    @TempDir Path dir;

    @Test
    void aUseThatFollowsTheStepIsLearnt() throws Exception {
        assertNotEquals(forecastAfterTheStep(dir.resolve("none"), Use.NONE),
                forecastAfterTheStep(dir.resolve("chat"), Use.UNDATED));
    }

    @Test
    void aUseTheClientDatesOffTheSystemClockAfterTheStepIsLearntToo() throws Exception {
        assertNotEquals(forecastAfterTheStep(dir.resolve("none"), Use.NONE),
                forecastAfterTheStep(dir.resolve("dated"), Use.DATED), "not taken for an hour late");
    }

    @Test
    void aServerStartedBehindItsHistoryGoesOnFromItsLatestEvent() throws Exception {
        SteppedWallClock clock = new SteppedWallClock(ServerHarness.START);
        long ahead = ServerHarness.START.toEpochMilli() + Duration.ofMinutes(30).toMillis();
        Path data = dir.resolve("data");
        java.nio.file.Files.createDirectories(data);
        try (UsageStore store = UsageStore.open(data.resolve("usage.db"))) { // recorded by a server catching up
            store.append(List.of(UsageEvent.simple(ahead, EventKind.ACTIVITY, "recorded-ahead", null)));
        }
        try (ServerHarness h = new ServerHarness(data, clock.module())) {
            h.initialize(MODELS);
            h.startPrediction();
            activity(h, h.injector.getInstance(PredictionService.class));
            List<UsageEvent> stored = h.injector.getInstance(UsageStore.class).allEvents().stream()
                    .filter(e -> e.kind() == EventKind.ACTIVITY).toList();
            assertEquals(List.of("recorded-ahead", "chatPanelOpened"), stored.stream().map(UsageEvent::detail)
                    .toList(), "in the order they happened");
            assertTrue(stored.get(1).at() >= ahead, "dated after the history it went on from");
        }
    }

    /** No chat use; one reported without a date; one the client dated, off the system's clock. */
    private enum Use { NONE, UNDATED, DATED }

    /**
     * Two minutes of editor activity, the clock set back an hour, then {@code use} a few seconds later, more activity,
     * and the forecast a minute after that.
     */
    private static List<TaskForecast> forecastAfterTheStep(Path data, Use use) throws Exception {
        SteppedWallClock clock = new SteppedWallClock(ServerHarness.START);
        try (ServerHarness h = new ServerHarness(data, clock.module())) {
            h.initialize(MODELS);
            h.startPrediction();
            PredictionService service = h.injector.getInstance(PredictionService.class);
            clock.pass(Duration.ofMinutes(2));
            activity(h, service);
            clock.setBack(Duration.ofHours(1));
            clock.pass(Duration.ofSeconds(6));
            if (use != Use.NONE) {
                String at = use == Use.DATED ? clock.wall().instant().toString() : null;
                h.server.getWarmupService().modelUsed(new ModelUsedParams("chat", "chat", at, 900L, false));
            }
            clock.pass(Duration.ofSeconds(2));
            activity(h, service);
            clock.pass(Duration.ofMinutes(1));
            return service.forecast(300);
        }
    }

    private static void activity(ServerHarness h, PredictionService service) throws Exception {
        h.server.getWarmupService().activity(new ActivityParams("chatPanelOpened"));
        h.flush();
        service.settled().get(30, TimeUnit.SECONDS);
    }
}
