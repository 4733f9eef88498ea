package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.startWithCoderWarm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import dev.warmup.server.LogCapture;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.resources.ResourceManager;
import dev.warmup.server.resources.SystemProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine whose memory and CPU cannot be read at all (OSHI's probe cannot even be made: JNA's native library does
 * not load) still gets a server that starts, answers and warms within {@code maxMemoryMb}; the editor hears WMP-4003.
 */
class UnreadableMachineTest {
    @TempDir Path dir;

    @Test
    void aProbeThatCannotBeMadeLeavesTheServerWarmingWithinTheConfiguredBudget() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AbstractModule noProbe = new AbstractModule() {
            @Override
            protected void configure() {
                bind(SystemProbe.class).toProvider(() -> {
                    attempts.incrementAndGet();
                    throw new UnsatisfiedLinkError("Unable to load library 'c'");
                });
            }
        };
        try (LogCapture logged = new LogCapture(ResourceManager.class);
             FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir, noProbe)) {
            ResourceManager resources = h.injector.getInstance(ResourceManager.class);
            resources.start(3600); // as Main does: its first sample at once, on its own thread
            String said = logged.awaitFirst("WMP-4003", Duration.ofSeconds(30));
            assertTrue(said.contains("Unable to load library 'c'"), said);
            assertEquals(1, attempts.get());
            startWithCoderWarm(h, ollama); // initialized, and coder loaded on the model server
            assertTrue(ollama.isLoaded("coder"));
            assertEquals("running", h.status().state());
            assertNull(h.status().heldBack(), "nothing read, nothing holds warming back");
            assertEquals(2, attempts.get(), "asked for again before the first plan with the settings' backends");
            resources.refresh();
            assertEquals(3, attempts.get(), "asked for again at the next sample");
        }
    }
}
