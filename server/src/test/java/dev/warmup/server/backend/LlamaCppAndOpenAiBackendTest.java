package dev.warmup.server.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.MutableClock;
import dev.warmup.server.backend.fake.FakeLlamaServer;
import dev.warmup.server.config.BackendSpec;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** llama.cpp's router endpoints and an OpenAI-compatible server, each against a real HTTP server. */
class LlamaCppAndOpenAiBackendTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static ModelSpec model(String id) {
        return new ModelSpec(id, List.of("chat"), 4000, 8.0, "llama", null);
    }

    @Test
    void routerLoadWaitsUntilTheModelShowsLoadedAndUnloads() throws Exception {
        try (FakeLlamaServer s = new FakeLlamaServer("qwen", "gemma")) {
            LlamaCppBackend b = new LlamaCppBackend(new BackendSpec("llama", "llamacpp", s.url(), false, 5, null,
                    null, null), http, clock);
            b.load(model("qwen"), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
            assertEquals("loaded", s.state("qwen"));
            assertTrue(s.requests.stream().filter(r -> r.startsWith("GET /models")).count() >= 3); // polled
            assertEquals(List.of("qwen"), b.loaded().get(10, TimeUnit.SECONDS).stream()
                    .map(ModelBackend.LoadedModel::modelId).toList());
            b.unload(model("qwen")).get(10, TimeUnit.SECONDS);
            assertEquals("unloaded", s.state("qwen"));
            ExecutionException missing = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> b.load(model("nope"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
            assertTrue(missing.getCause().getMessage().contains("HTTP 404"), missing.getCause().getMessage());
            s.failsToStart.put("gemma", 1);
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> b.load(model("gemma"), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS));
            assertTrue(failed.getCause().getMessage().endsWith("gemma as unloaded, having failed to start (exit code 1)"),
                    failed.getCause().getMessage());
        }
    }

    @Test
    void openAiCompatibleWarmsWithOneTokenAndSendsTheKeyFromTheEnvironment() throws Exception {
        try (FakeLlamaServer s = new FakeLlamaServer("local-model")) {
            OpenAiCompatibleBackend b = new OpenAiCompatibleBackend(new BackendSpec("lm", "openai", s.url(), false, 5,
                    null, null, "LM_KEY"), http, clock, Map.of("LM_KEY", "secret-123"));
            assertFalse(b.canUnload());
            b.load(model("local-model"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            String req = s.requests.stream().filter(r -> r.startsWith("POST /v1/chat/completions")).findFirst()
                    .orElseThrow();
            assertTrue(req.endsWith("auth=Bearer secret-123"), req);
            String body = req.substring("POST /v1/chat/completions ".length(), req.indexOf(" auth="));
            assertEquals(1, JsonParser.parseString(body).getAsJsonObject().get("max_tokens").getAsInt());
            assertEquals(List.of("local-model"), b.loaded().get(10, TimeUnit.SECONDS).stream()
                    .map(ModelBackend.LoadedModel::modelId).toList());
        }
    }
}
