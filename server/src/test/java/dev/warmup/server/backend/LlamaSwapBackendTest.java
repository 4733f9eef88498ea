package dev.warmup.server.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.LogCapture;
import dev.warmup.server.MutableClock;
import dev.warmup.server.backend.fake.FakeLlamaSwapServer;
import dev.warmup.server.config.BackendSpec;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** llama-swap, against a real HTTP server that answers as llama-swap's source does. */
class LlamaSwapBackendTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LlamaSwapBackend backend(String url) {
        return new LlamaSwapBackend(new BackendSpec("swap", "llamaswap", url, false, 5, null, null, "SWAP_KEY"),
                http, clock, Map.of("SWAP_KEY", "k-1"));
    }

    private static ModelSpec model(String id) {
        return new ModelSpec(id, List.of("completion"), 1500, 3.0, "swap", null);
    }

    private static List<String> ids(List<ModelBackend.LoadedModel> loaded) {
        return loaded.stream().map(ModelBackend.LoadedModel::modelId).sorted().toList();
    }

    @Test
    void startsAModelThroughItsUpstreamListsWhatRunsAndStopsIt() throws Exception {
        try (FakeLlamaSwapServer s = new FakeLlamaSwapServer("qwen-coder", "bartowski/Qwen2.5 7B:Q4")) {
            LlamaSwapBackend b = backend(s.url());
            assertEquals(List.of(), b.loaded().get(10, TimeUnit.SECONDS));
            b.load(model("qwen-coder"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertTrue(s.requests.contains("GET /upstream/qwen-coder/health auth=Bearer k-1"), s.requests.toString());
            assertEquals(List.of("qwen-coder"), ids(b.loaded().get(10, TimeUnit.SECONDS)));

            b.load(model("bartowski/Qwen2.5 7B:Q4"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertTrue(s.isRunning("bartowski/Qwen2.5 7B:Q4"), "an id with a slash, a space and a colon");
            assertEquals(List.of("bartowski/Qwen2.5 7B:Q4", "qwen-coder"), ids(b.loaded().get(10, TimeUnit.SECONDS)));

            b.unload(model("qwen-coder")).get(10, TimeUnit.SECONDS); // answered with the text OK
            assertFalse(s.isRunning("qwen-coder"));
            assertTrue(s.requests.contains("POST /api/models/unload/qwen-coder auth=Bearer k-1"));
            assertEquals(List.of("bartowski/Qwen2.5 7B:Q4"), ids(b.loaded().get(10, TimeUnit.SECONDS)));

            s.startedElsewhere("qwen-coder"); // another program's request through llama-swap
            assertEquals(List.of("bartowski/Qwen2.5 7B:Q4", "qwen-coder"), ids(b.loaded().get(10, TimeUnit.SECONDS)));
        }
    }

    @Test
    void aModelWithATtlExpiresThatLongAfterOurLastRequestToIt() throws Exception {
        try (FakeLlamaSwapServer s = new FakeLlamaSwapServer("coder", "chat")) {
            s.ttl("coder", 300);
            s.ttl("chat", 300);
            LlamaSwapBackend b = backend(s.url());
            b.load(model("coder"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            s.startedElsewhere("chat");
            long loadedAt = clock.millis();
            clock.advance(Duration.ofSeconds(40));
            Map<String, Long> expiries = new java.util.TreeMap<>();
            b.loaded().get(10, TimeUnit.SECONDS).forEach(m -> expiries.put(m.modelId(), m.expiresAtMillis()));
            assertEquals(Map.of("coder", loadedAt + 300_000, "chat", -1L), expiries,
                    "ours from our request; another program's unknown");
            assertEquals(-1, b.load(model("coder"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS).loadMs(),
                    "a renewal: running already, no load time to learn");
            assertEquals(loadedAt + 340_000, b.loaded().get(10, TimeUnit.SECONDS).stream()
                    .filter(m -> m.modelId().equals("coder")).findFirst().orElseThrow().expiresAtMillis());
        }
    }

    @Test
    void eachModelsNewestRequestComesFromTheActivityLogReadAtMostEveryFewSeconds() throws Exception {
        try (FakeLlamaSwapServer s = new FakeLlamaSwapServer("coder", "chat")) {
            LlamaSwapBackend b = backend(s.url());
            b.load(model("coder"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertEquals(Map.of("coder", 0L), newest(b), "a log without its requests yet");
            s.requestedElsewhere("coder");
            s.requestedElsewhere("chat");
            s.requestedElsewhere("coder");
            assertEquals(Map.of("coder", 0L, "chat", 0L), newest(b), "the log as read a moment ago");
            clock.advance(Duration.ofMillis(LlamaSwapBackend.REQUESTS_EVERY_MILLIS));
            assertEquals(Map.of("coder", 3L, "chat", 2L), newest(b));
            assertEquals(2, s.requests.stream().filter(q -> q.startsWith("GET /api/metrics")).count());
        }
        try (FakeLlamaSwapServer older = new FakeLlamaSwapServer("coder")) {
            older.withoutActivityLog();
            LlamaSwapBackend b = backend(older.url());
            b.load(model("coder"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertEquals(Map.of("coder", -1L), newest(b));
            clock.advance(Duration.ofMinutes(1));
            assertEquals(Map.of("coder", -1L), newest(b));
            assertEquals(1, older.requests.stream().filter(q -> q.startsWith("GET /api/metrics")).count(),
                    "a 404 once, then not asked again for a while");
            older.withActivityLog(); // upgraded while the editor runs
            older.requestedElsewhere("coder");
            clock.advance(Duration.ofMillis(LlamaSwapBackend.NO_LOG_RECHECK_MILLIS));
            assertEquals(Map.of("coder", 1L), newest(b), "asked again, ten minutes on");
        }
    }

    private static Map<String, Long> newest(LlamaSwapBackend b) throws Exception {
        Map<String, Long> out = new java.util.HashMap<>();
        b.loaded().get(10, TimeUnit.SECONDS).forEach(m -> out.put(m.modelId(), m.newestRequest()));
        return out;
    }

    @Test
    void anUpstreamWithoutAHealthEndpointStillLoadsAndAnUnknownModelFails() throws Exception {
        try (FakeLlamaSwapServer s = new FakeLlamaSwapServer("vllm-coder")) {
            s.withoutHealth("vllm-coder");
            LlamaSwapBackend b = backend(s.url());
            b.load(model("vllm-coder"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertTrue(s.isRunning("vllm-coder"));

            ExecutionException unknown = assertThrows(ExecutionException.class,
                    () -> b.load(model("an-alias"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
            String message = unknown.getCause().getMessage();
            assertTrue(message.startsWith("WMP-8004") && message.contains("HTTP 400"), message);
            ExecutionException unload = assertThrows(ExecutionException.class,
                    () -> b.unload(model("an-alias")).get(10, TimeUnit.SECONDS));
            assertTrue(unload.getCause().getMessage().contains("HTTP 404"), unload.getCause().getMessage());
        }
    }

    @Test
    void aLoadThatStopsAnotherModelSaysHowToConfigureLlamaSwapOnce() throws Exception {
        try (LogCapture log = new LogCapture(StoppedToStart.class);
             FakeLlamaSwapServer s = new FakeLlamaSwapServer("coder", "chat")) {
            List<String> warnings = log.messages;
            s.swap(true); // llama-swap's default: one model at a time
            LlamaSwapBackend b = backend(s.url());
            b.load(model("coder"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(), warnings, "nothing was running");
            b.load(model("chat"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertEquals(List.of("chat"), ids(b.loaded().get(10, TimeUnit.SECONDS)));
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("WMP-8013") && warnings.get(0).contains("stopped coder to start chat")
                    && warnings.get(0).contains("matrix set"), warnings.get(0));
            b.load(model("coder"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            b.load(model("chat"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertEquals(2, warnings.size(), "each swap said once: " + warnings);
        }
    }
}
