package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.recentCompletionUse;
import static dev.warmup.server.scheduler.WarmingFixture.warmups;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.LoadParams;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.InitializedParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler ticks from the server's start, before the editor has sent {@code initialized}; a load the editor is
 * to carry out cannot reach it then. Such a load waits for {@code initialized} rather than failing into a back-off.
 */
class EditorNotYetInitializedTest {
    @TempDir Path dir;

    @Test
    void aLoadForTheEditorWaitsForInitializedInsteadOfFailing() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
            h.initializeOnly("{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500, "
                    + "\"loadSeconds\": 3}]}");
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.start(3600); // as Main: a tick at once, the next in an hour
            scheduler.tick().get(30, TimeUnit.SECONDS); // and one more, after the first
            assertEquals(0, warmups(h, "started"), "nothing sent where no one hears it");
            assertEquals(0, warmups(h, "failed"));

            h.server.initialized(new InitializedParams());
            LoadParams load = h.client.await(h.client.loads, l -> !l.isEmpty(), Duration.ofSeconds(30)).get(0);
            assertEquals("coder", load.model(), "asked for as soon as the editor can hear it");
            h.flush();
            assertTrue(h.client.logged.stream().noneMatch(m -> m.getMessage().startsWith("WMP-8004")),
                    "no failure logged: " + h.client.logged);
            assertEquals(0, warmups(h, "failed"));
        }
    }
}
