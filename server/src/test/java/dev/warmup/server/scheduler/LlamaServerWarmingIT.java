package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.coder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
 * completion has coder warmed there, a person unloading it by hand is seen and respected, and so is the router putting
 * it to sleep, until the hold-off ends and a completion request wakes it.
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
            untilCoderIs(h, scheduler, llama, "unloaded"); // the router's thread marks it once its process exits
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals("unloaded", coder(h).state(), "not loaded straight back: " + llama.log());
            assertEquals(h.clock.instant().plusMillis(LoadBackoff.EVICTED_HOLD_OFF_MILLIS).toString(),
                    coder(h).retryAt(), "left alone for a while");
        }
    }

    @Test
    void aModelTheRouterPutsToSleepIsNotWarmAndIsWokenWhenTheHoldOffEnds() throws Exception {
        try (RealLlamaServer llama = RealLlamaServer.router(llamaDir, List.of("coder"), "--sleep-idle-seconds", "1");
             ServerHarness h = new ServerHarness(data)) {
            WarmupScheduler scheduler = WarmingFixture.startWithCoderOn(h, "llamacpp", llama.url());
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(60));
            untilCoderIs(h, scheduler, llama, "unloaded"); // asleep after a second idle: not warm
            assertEquals(h.clock.instant().plusMillis(LoadBackoff.EVICTED_HOLD_OFF_MILLIS).toString(),
                    coder(h).retryAt(), "left alone for a while, as any model its server dropped");
            int warmBefore = h.client.statuses.size();
            h.clock.advance(Duration.ofMillis(LoadBackoff.EVICTED_HOLD_OFF_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS); // woken by a completion request: the router refuses a load
            h.client.await(h.client.statuses, l -> l.size() > warmBefore
                    && WarmingFixture.warm(l.subList(warmBefore, l.size()), "coder"), Duration.ofSeconds(60));
        }
    }

    @Test
    void coderGoneWithAStoppedRouterIsWarmedAgainAsSoonAsTheRouterRunsAgain(@TempDir Path again) throws Exception {
        try (ServerHarness h = new ServerHarness(data)) {
            WarmupScheduler scheduler;
            int port;
            try (RealLlamaServer llama = RealLlamaServer.router(llamaDir, List.of("coder"))) {
                port = llama.port();
                scheduler = WarmingFixture.startWithCoderOn(h, "llamacpp", llama.url());
                scheduler.tick().get(30, TimeUnit.SECONDS);
                h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(60));
            } // stopped, and its models' processes with it
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertNotEquals("warm", coder(h).state(), "gone with its router");
            h.clock.advance(Duration.ofMinutes(1)); // past the load's back-off and the circuit breaker's pause
            try (RealLlamaServer llama = RealLlamaServer.routerOn(port, again, List.of("coder"))) {
                int before = h.client.statuses.size();
                scheduler.tick().get(30, TimeUnit.SECONDS); // it answers the look: the load follows at once
                h.client.await(h.client.statuses, l -> l.size() > before
                        && WarmingFixture.warm(l.subList(before, l.size()), "coder"), Duration.ofSeconds(60));
                assertEquals(null, coder(h).retryAt(), "not held off: " + llama.log());
            }
        }
    }

    /** Ticks until the server shows coder in {@code state} (60 s at most): the router changes states on its own. */
    private static void untilCoderIs(ServerHarness h, WarmupScheduler scheduler, RealLlamaServer llama, String state)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!coder(h).state().equals(state)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("coder still " + coder(h).state() + ", not " + state + ": " + llama.log());
            }
            scheduler.tick().get(30, TimeUnit.SECONDS);
            Thread.sleep(100); // nothing to wait on but the router's next state
        }
    }
}
