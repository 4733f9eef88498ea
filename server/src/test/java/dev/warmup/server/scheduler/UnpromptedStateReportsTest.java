package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.coder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.warmup.protocol.ModelState;
import dev.warmup.protocol.ModelStateParams;
import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.lsp.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An editor or orchestrator that loads a model on its own (the user asked for it; no load of ours) reports each state
 * through {@code warmup/modelState}: the status follows every one, and the editor hears of each but the loading.
 */
class UnpromptedStateReportsTest {
    @TempDir Path dir;

    @Test
    void eachReportedStateIsWhatTheStatusShows() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            h.initialize("{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500}]}");
            h.flush();
            int before = h.client.statuses.size();

            report(h, new ModelStateParams("coder", ModelState.loading, null, 1700, null));
            assertEquals("loading", coder(h).state());
            assertEquals(1700, coder(h).memoryMb());
            assertEquals(1700, h.status().memoryUsedMb(), "a model loading holds its memory already");
            assertEquals(before, h.client.statuses.size(), "the reporter knows; a loading is not announced");

            report(h, new ModelStateParams("coder", ModelState.ready, 9400L, null, null));
            ModelStatus warm = last(h.client.await(h.client.statuses, l -> l.size() > before, Duration.ofSeconds(30)));
            assertEquals("warm", warm.state());
            assertEquals(1500, warm.memoryMb(), "no size reported: the catalogue's, not nothing");
            assertEquals(1, h.status().warmModels());

            report(h, new ModelStateParams("coder", ModelState.failed, null, null, "CUDA out of memory"));
            ModelStatus failed = last(h.client.await(h.client.statuses, l -> l.size() > before + 1,
                    Duration.ofSeconds(30)));
            assertEquals("failed", failed.state());
            assertEquals("CUDA out of memory", failed.error());
            assertEquals(0, h.status().memoryUsedMb(), "a failed model holds nothing");

            report(h, new ModelStateParams("coder", ModelState.unloaded, null, null, null));
            ModelStatus unloaded = last(h.client.await(h.client.statuses, l -> l.size() > before + 2,
                    Duration.ofSeconds(30)));
            assertEquals("unloaded", unloaded.state());
            assertNull(unloaded.error(), "the failure is over: the model was unloaded since");
        }
    }

    private static void report(ServerHarness h, ModelStateParams p) throws Exception {
        h.server.getWarmupService().modelState(p);
        h.flush();
    }


    private static ModelStatus last(List<WarmupStatus> sent) {
        return sent.get(sent.size() - 1).models().get(0);
    }
}
