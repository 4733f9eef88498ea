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
            LlamaCppBackend b = router(s);
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
            String why = failed.getCause().getMessage();
            assertTrue(why.endsWith("gemma as unloaded, having failed to start (exit code 1)"), why);
        }
    }

    private LlamaCppBackend router(FakeLlamaServer s) {
        return new LlamaCppBackend(new BackendSpec("llama", "llamacpp", s.url(), false, 5, null, null, null), http,
                clock, Map.of());
    }

    private static long loadRequests(FakeLlamaServer s) {
        return s.requests.stream().filter(r -> r.startsWith("POST /models/load")).count();
    }

    @Test
    void aModelAnotherClientLoadedOrIsLoadingIsWaitedForNotLoadedAgain() throws Exception {
        try (FakeLlamaServer s = new FakeLlamaServer("qwen", "gemma")) {
            LlamaCppBackend b = router(s);
            s.put("qwen", "loaded"); // llama-server would answer a load of it 400 "model is already running"
            assertEquals(-1, b.load(model("qwen"), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS).loadMs(),
                    "no load timed: none is learnt from it");
            s.put("gemma", "loading");
            assertEquals(-1, b.load(model("gemma"), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS).loadMs(),
                    "part of another client's load: not a load time either");
            assertEquals("loaded", s.state("gemma"));
            assertEquals(0, loadRequests(s), String.join("\n", s.requests));
            s.put("phi", "unloaded");
            s.beforeLoad = () -> s.put("phi", "loading"); // another client's load comes between our look and ours
            b.load(model("phi"), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS); // refused, 400: waited for
            assertEquals("loaded", s.state("phi"));
            assertEquals(1, loadRequests(s));
        }
    }

    @Test
    void aSleepingModelIsNotTakenForWarmAndIsWokenByAnInferenceRequest() throws Exception {
        try (FakeLlamaServer s = new FakeLlamaServer("qwen")) {
            LlamaCppBackend b = router(s);
            s.put("qwen", "sleeping"); // --sleep-idle-seconds: its weights are freed, its process stays
            assertTrue(b.loaded().get(10, TimeUnit.SECONDS).isEmpty());
            assertTrue(b.load(model("qwen"), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS).loadMs() >= 0,
                    "a wake reloads the weights: a load of ours, timed");
            assertEquals("loaded", s.state("qwen"));
            assertEquals(0, loadRequests(s), String.join("\n", s.requests));
            String wake = s.requests.stream().filter(r -> r.startsWith("POST /completion ")).findFirst().orElseThrow();
            var sent = JsonParser.parseString(wake.substring("POST /completion ".length())).getAsJsonObject();
            assertEquals("qwen", sent.get("model").getAsString());
            assertEquals(0, sent.get("n_predict").getAsInt()); // the prompt only: nothing generated
        }
    }

    @Test
    void aModelNamedByItsAliasIsLoadedAndRecognisedInTheList() throws Exception {
        try (FakeLlamaServer s = new FakeLlamaServer("qwen2.5-coder-1.5b-instruct-q4_k_m")) {
            s.aliases.put("qwen2.5-coder-1.5b-instruct-q4_k_m", List.of("coder"));
            LlamaCppBackend b = router(s);
            b.load(model("coder"), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
            assertEquals("loaded", s.state("qwen2.5-coder-1.5b-instruct-q4_k_m"));
            List<ModelBackend.LoadedModel> listed = b.loaded().get(10, TimeUnit.SECONDS);
            assertEquals(1, listed.size());
            assertTrue(b.sameModel("coder", listed.get(0).modelId()), listed.get(0).modelId());
            assertFalse(b.sameModel("other", listed.get(0).modelId()));
            b.unload(model("coder")).get(10, TimeUnit.SECONDS);
            assertEquals("unloaded", s.state("qwen2.5-coder-1.5b-instruct-q4_k_m"));
        }
    }

    @Test
    void aRouterStartedWithAnApiKeyIsSentItFromTheEnvironment() throws Exception {
        try (FakeLlamaServer s = new FakeLlamaServer("qwen")) {
            s.apiKey = "secret-7";
            BackendSpec spec = new BackendSpec("llama", "llamacpp", s.url(), false, 5, null, null, "LLAMA_KEY");
            LlamaCppBackend b = new LlamaCppBackend(spec, http, clock, Map.of("LLAMA_KEY", "secret-7"));
            b.load(model("qwen"), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
            assertEquals("loaded", s.state("qwen"));
            b.unload(model("qwen")).get(10, TimeUnit.SECONDS);
            assertEquals("unloaded", s.state("qwen"));
            LlamaCppBackend keyless = new LlamaCppBackend(spec, http, clock, Map.of()); // the variable not set
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> keyless.load(model("qwen"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
            assertTrue(refused.getCause().getMessage().contains("HTTP 401"), refused.getCause().getMessage());
        }
    }

    @Test
    void unloadingAModelThatIsNoLongerRunningSucceeds() throws Exception {
        try (FakeLlamaServer s = new FakeLlamaServer("qwen")) {
            LlamaCppBackend b = router(s); // stopped already (its process exited, or someone unloaded it)
            b.unload(model("qwen")).get(10, TimeUnit.SECONDS);
            ExecutionException unknown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> b.unload(model("nope")).get(10, TimeUnit.SECONDS));
            assertTrue(unknown.getCause().getMessage().contains("model is not found"),
                    unknown.getCause().getMessage());
        }
    }

    @Test
    void aModelWithoutAChatTemplateIsWarmedWithAPlainCompletion() throws Exception {
        try (FakeLlamaServer s = new FakeLlamaServer("qwen2.5-coder-base")) {
            s.noChatTemplate.add("qwen2.5-coder-base");
            OpenAiCompatibleBackend b = new OpenAiCompatibleBackend(new BackendSpec("vllm", "openai", s.url(), false,
                    5, null, null, null), http, clock, Map.of());
            b.load(model("qwen2.5-coder-base"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            String req = s.requests.stream().filter(r -> r.startsWith("POST /v1/completions ")).findFirst()
                    .orElseThrow();
            var sent = JsonParser.parseString(req.substring("POST /v1/completions ".length())).getAsJsonObject();
            assertEquals(1, sent.get("max_tokens").getAsInt());
            assertEquals("qwen2.5-coder-base", sent.get("model").getAsString());
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
