package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.loadsPlanned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.backend.fake.FakeLlamaServer;
import dev.warmup.server.lsp.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * llama-server's router puts an idle model to sleep ({@code --sleep-idle-seconds}: its weights freed, its process
 * kept). The scheduler takes that for an unload the model server did by itself: not warm, left alone for a while, then
 * woken with a completion request, since the router refuses to load a model whose instance still runs.
 */
class LlamaServerSleepTest {
    @TempDir Path dir;

    private static long requests(FakeLlamaServer s, String start) {
        return s.requests.stream().filter(r -> r.startsWith(start)).count();
    }

    @Test
    void aModelPutToSleepIsLeftAloneForAWhileThenWoken() throws Exception {
        try (FakeLlamaServer llama = new FakeLlamaServer("coder"); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = WarmingFixture.startWithCoderOn(h, "llamacpp", llama.url());
            llama.beforeLoad = () -> h.clock.advance(Duration.ofSeconds(3)); // the time a load takes
            llama.beforeCompletion = llama.beforeLoad; // and a wake, which reads the weights again
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(30));
            assertEquals(1, requests(llama, "POST /models/load"));

            llama.put("coder", "sleeping");
            scheduler.tick().get(30, TimeUnit.SECONDS); // sees it gone
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals("sleeping", llama.state("coder"), "not woken straight back");
            assertEquals("unloaded", h.server.getWarmupService().status().get(10, TimeUnit.SECONDS).models().get(0)
                    .state());
            assertTrue(loadsPlanned(h).contains("coder"), "though the plan still wants it: " + loadsPlanned(h));

            h.clock.advance(Duration.ofMillis(LoadBackoff.EVICTED_HOLD_OFF_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l.subList(l.size() - 1, l.size()), "coder"),
                    Duration.ofSeconds(30));
            assertEquals("loaded", llama.state("coder"));
            assertEquals(1, requests(llama, "POST /completion "), "woken by a completion request");
            assertEquals(1, requests(llama, "POST /models/load"), "not asked to load: the router would refuse");
            assertEquals(0, WarmingFixture.warmups(h, "failed"));
        }
    }
}
