package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.withCoderLoadSentToTheEditor;
import static dev.warmup.server.scheduler.WarmingFixture.warmups;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import dev.warmup.protocol.ModelState;
import dev.warmup.protocol.ModelStateParams;
import dev.warmup.server.lsp.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's report that answers a load is the scheduler's to act on, on its own thread: a tick that runs between
 * the report's arrival and the scheduler handling it must not see the failure without its back-off and load again.
 */
class ClientReportOrderTest {
    @TempDir Path dir;

    @Test
    void aTickBetweenAFailureReportAndItsHandlingDoesNotLoadAgain() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = withCoderLoadSentToTheEditor(h);

            CountDownLatch gate = new CountDownLatch(1);
            CompletableFuture<Void> held = scheduler.onSchedulerThread(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<Void> tick = scheduler.tick(); // queued first, behind the held thread
            h.server.getWarmupService().modelState(new ModelStateParams("coder", ModelState.failed, null, null,
                    "out of memory"));
            h.flush(); // the report has arrived; its handling is queued behind the tick
            gate.countDown();
            held.get(30, TimeUnit.SECONDS);
            tick.get(30, TimeUnit.SECONDS);
            scheduler.unloadPending().get(30, TimeUnit.SECONDS); // the report's handling has run too

            assertEquals(1, warmups(h, "started"), "the tick between did not load coder again");
            ModelStates.Entry coder = h.injector.getInstance(ModelStates.class).get("coder");
            assertEquals(ModelStates.State.failed, coder.state());
            assertTrue(coder.retryAtMillis() > h.clock.millis(), "backing off, and the status says until when");
        }
    }

    /** A failed load gives its memory back in the metrics too: the warm GB·h stop growing with it. */
    @Test
    void aFailedLoadHoldsNoMemoryInTheMetrics() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = withCoderLoadSentToTheEditor(h);
            h.server.getWarmupService().modelState(new ModelStateParams("coder", ModelState.failed, null, null,
                    "out of memory"));
            h.flush();
            scheduler.unloadPending().get(30, TimeUnit.SECONDS); // the failure handled on the scheduler's thread
            h.clock.advance(Duration.ofHours(1));
            double gbHours = new Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject()
                    .get("warmGbHours").getAsDouble();
            assertEquals(0.0, gbHours, 1e-6, "coder's 1.5 GB held for the hour after its load failed");
        }
    }
}
