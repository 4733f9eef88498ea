package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.coder;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.backend.real.RealLlamaServer;
import dev.warmup.server.lsp.ServerHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server against a real llama-server router ({@code scripts/llama-server.sh}): a developer's recent use of
 * completion has coder warmed there, and a person unloading it by hand is seen and respected.
 */
class LlamaServerWarmingIT {
    @TempDir Path data;
    @TempDir Path llamaDir;

    @Test
    void coderIsWarmedOnARealRouterAndAnUnloadByHandIsSeenAndLeftAlone() throws Exception {
        try (RealLlamaServer llama = RealLlamaServer.router(llamaDir, List.of("coder"));
             ServerHarness h = new ServerHarness(data)) {
            WarmupScheduler scheduler = WarmingFixture.startWithCoderOn(h, "llamacpp", llama.url());
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(60));

            HttpResponse<String> unload = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(llama.url() + "/models/unload")).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"model\": \"coder\"}")).build(), HttpResponse.BodyHandlers.ofString()); // as a person would
            assertEquals(200, unload.statusCode(), unload.body());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!coder(h).state().equals("unloaded")) { // the router's thread marks it once its process exits
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("coder still " + coder(h).state() + ": " + llama.log());
                }
                scheduler.tick().get(30, TimeUnit.SECONDS);
                Thread.sleep(100);
            }
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals("unloaded", coder(h).state(), "not loaded straight back: " + llama.log());
            assertEquals(h.clock.instant().plusMillis(LoadBackoff.EVICTED_HOLD_OFF_MILLIS).toString(),
                    coder(h).retryAt(), "left alone for a while");
        }
    }
}
