package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.warmup.protocol.ActivityParams;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.lsp.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An orchestrator reports a use once the generation is done, dated when it began, after editor events that came in
 * between; another machine's clock may date it a little ahead. The live predictor sees one forward timeline: such a
 * use is learnt as of its arrival, exactly as a use reported without a date, not booked back in time (which counted
 * the time since then twice) nor ahead of what comes next.
 */
class LateReportsTest {
    private static final String MODELS = "{\"backgroundWarmupEnabled\": false, \"models\": [{\"id\": \"coder\", "
            + "\"tasks\": [\"completion\"], \"memoryMb\": 1500, \"loadSeconds\": 3}, {\"id\": \"chat\", \"tasks\": "
            + "[\"chat\"], \"memoryMb\": 5500, \"loadSeconds\": 10}]}";

    @TempDir Path dir;

    @Test
    void aUseReportedSecondsLateIsLearntAsOfItsArrival() throws Exception {
        assertEquals(forecastAfter(dir.resolve("on-time"), true, null), forecastAfter(dir.resolve("late"), true, -2));
    }

    @Test
    void aUseDatedSecondsAheadIsLearntAsOfItsArrival() throws Exception {
        assertEquals(forecastAfter(dir.resolve("on-time"), true, null), forecastAfter(dir.resolve("ahead"), true, 2));
    }

    @Test
    void aUseReportedLongAfterItHappenedIsLeftToTheNextRebuild() throws Exception {
        int late = (int) (LiveTimeline.MAX_LATE_MILLIS / 1000) + 1;
        List<TaskForecast> longLate = forecastAfter(dir.resolve("long-late"), true, -late);
        assertEquals(forecastAfter(dir.resolve("none"), false, null), longLate,
                "not taken for a fresh use: the live predictor does not see it");
        assertNotEquals(forecastAfter(dir.resolve("on-time"), true, null), longLate);
    }

    /**
     * Two minutes after start-up, editor activity, then (when {@code reported}) a completion use that arrives with
     * the next activity, dated {@code offsetSeconds} from its arrival (or undated when null), one more activity a
     * second later, and the forecast a minute after that.
     */
    private static List<TaskForecast> forecastAfter(Path data, boolean reported, Integer offsetSeconds)
            throws Exception {
        try (ServerHarness h = new ServerHarness(data)) {
            h.initialize(MODELS);
            h.startPrediction();
            PredictionService service = h.injector.getInstance(PredictionService.class);
            h.clock.advance(Duration.ofMinutes(2));
            activity(h, service);
            h.clock.advance(Duration.ofSeconds(3));
            activity(h, service);
            if (reported) {
                String at = offsetSeconds == null ? null
                        : Instant.ofEpochMilli(h.clock.millis() + offsetSeconds * 1000L).toString();
                h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", at, 80L, false));
                settle(h, service);
            }
            h.clock.advance(Duration.ofSeconds(1));
            activity(h, service);
            h.clock.advance(Duration.ofSeconds(60));
            return service.forecast(300);
        }
    }

    private static void activity(ServerHarness h, PredictionService service) throws Exception {
        h.server.getWarmupService().activity(new ActivityParams("chatPanelOpened"));
        settle(h, service);
    }

    /** Returns once the predictor has been shown everything sent so far. */
    private static void settle(ServerHarness h, PredictionService service) throws Exception {
        h.flush();
        service.settled().get(30, TimeUnit.SECONDS);
    }
}
