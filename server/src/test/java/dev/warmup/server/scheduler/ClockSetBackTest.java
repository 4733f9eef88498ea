package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.startWithCoderWarm;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.SteppedWallClock;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system clock set back while the server runs (by hand, or by NTP putting right a clock read from a hardware
 * clock kept in local time). Before the server's clock absorbed such steps ({@link dev.warmup.server.SteadyClock}),
 * the server stood still for as long as the step: a model used just before it stayed in use, and was forecast as if
 * used a moment ago, for the whole step.
 */
class ClockSetBackTest {
    @TempDir Path dir;

    @Test
    void aModelUsedJustBeforeTheClockWentBackIsUnloadedOnceTheDeveloperHasLeft() throws Exception {
        SteppedWallClock clock = new SteppedWallClock(ServerHarness.START);
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir,
                clock.module())) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 40L, false));
            h.flush();
            clock.setBack(Duration.ofHours(3));
            clock.pass(Duration.ofHours(4)); // the developer left: the server's clock went on two hours meanwhile
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertTrue(ollama.isLoaded("coder"), "held through the grace");
            assertTrue(scheduler.dueTickAt() != Long.MAX_VALUE, "an unload is held: the model is not wanted");
            clock.pass(Duration.ofMillis(2 * SustainedUnloads.GRACE_MILLIS + 1000)); // the grace, at half pace
            scheduler.tick().get(30, TimeUnit.SECONDS);
            ollama.unloaded("coder").get(30, TimeUnit.SECONDS);
        }
    }
}
