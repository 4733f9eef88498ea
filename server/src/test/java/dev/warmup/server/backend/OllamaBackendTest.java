package dev.warmup.server.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.MutableClock;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.errors.WarmupException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Ollama backend against a real HTTP server speaking Ollama's endpoints. */
class OllamaBackendTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static ModelSpec model(String id) {
        JsonObject options = new JsonObject();
        options.addProperty("num_ctx", 8192);
        return new ModelSpec(id, List.of("completion"), 1500, 3.0, "local", options);
    }

    private OllamaBackend backend(FakeOllamaServer s) {
        return new OllamaBackend(new BackendSpec("local", "ollama", s.url(), false, 2, "45m", null, null), http, clock);
    }

    @Test
    void anAnswerOfAnotherShapeIsWmp8004NamingTheRequestAndQuotingTheAnswer() throws Exception {
        try (FakeOllamaServer s = new FakeOllamaServer()) {
            OllamaBackend b = backend(s);
            s.psAnswers("{\"models\": [{\"size\": 5}]}"); // no name
            String noName = failure(b.loaded());
            assertTrue(noName.startsWith("WMP-8004 Model server request failed: GET " + s.url() + "/api/ps: unexpected"
                    + " answer {\"models\":[{\"size\":5}]} ("), noName);
            s.psAnswers("{\"models\": [\"qwen\"]}"); // names where objects belong
            assertTrue(failure(b.loaded()).contains("/api/ps: unexpected answer {\"models\":[\"qwen\"]} ("));
            s.psAnswers("<html>proxy error</html>");
            assertEquals("WMP-8004 Model server request failed: GET " + s.url() + "/api/ps: answered"
                    + " <html>proxy error</html>, not JSON", failure(b.loaded()));
        }
    }

    private static String failure(CompletableFuture<?> call) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> call.get(10, TimeUnit.SECONDS));
        return org.junit.jupiter.api.Assertions.assertInstanceOf(WarmupException.class, e.getCause()).getMessage();
    }

    @Test
    void loadsWithTheModelsOptionsReconcilesAndUnloads() throws Exception {
        try (FakeOllamaServer s = new FakeOllamaServer()) {
            s.size("qwen", 1_600L * 1024 * 1024);
            s.loadedElsewhere("other", 2L << 30);
            OllamaBackend b = backend(s);
            CompletableFuture<Void> gate = s.gate("qwen");
            CompletableFuture<ModelBackend.LoadResult> load = b.load(model("qwen"), Duration.ofSeconds(5));
            s.loading("qwen").get(10, TimeUnit.SECONDS);
            clock.advance(Duration.ofMillis(1234));
            gate.complete(null);
            ModelBackend.LoadResult r = load.get(10, TimeUnit.SECONDS);
            assertEquals(1234, r.loadMs(), "timed: Ollama's answer to a load carries no duration");
            assertEquals("GET /api/ps", s.requests.get(0), "looked first: qwen was not listed");
            JsonObject sent = JsonParser.parseString(s.requests.get(1).substring("POST /api/generate ".length()))
                    .getAsJsonObject();
            assertEquals("qwen", sent.get("model").getAsString());
            assertEquals("45m", sent.get("keep_alive").getAsString());
            assertEquals(8192, sent.getAsJsonObject("options").get("num_ctx").getAsInt());
            assertFalse(sent.has("prompt"));
            List<ModelBackend.LoadedModel> ps = b.loaded().get(10, TimeUnit.SECONDS);
            assertEquals(2, ps.size()); // including the model another tool loaded
            ModelBackend.LoadedModel qwen = ps.stream().filter(m -> b.sameModel("qwen", m.modelId())).findFirst()
                    .orElseThrow();
            assertEquals("qwen:latest", qwen.modelId(), "as Ollama lists a model loaded without a tag");
            assertEquals(1600, qwen.memoryMb());
            b.unload(model("qwen")).get(10, TimeUnit.SECONDS);
            assertFalse(s.isLoaded("qwen"));
        }
    }

    @Test
    void aLoadOfAModelListedAsLoadedOrLoadingIsNotTimed() throws Exception {
        try (FakeOllamaServer s = new FakeOllamaServer()) {
            s.loadedElsewhere("qwen", 1L << 30); // another program asked for it since our last look
            OllamaBackend b = backend(s);
            assertEquals(-1, b.load(model("qwen"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS).loadMs());
            assertTrue(s.requests.get(1).startsWith("POST /api/generate "), "still asked: it renews the keep-alive");

            CompletableFuture<Void> gate = s.gate("big");
            CompletableFuture<ModelBackend.LoadResult> theirs = backend(s).load(model("big"), Duration.ofSeconds(30));
            s.loading("big").get(10, TimeUnit.SECONDS);
            CompletableFuture<ModelBackend.LoadResult> ours = b.load(model("big"), Duration.ofSeconds(30));
            s.asked("load", "big", 2).get(10, TimeUnit.SECONDS); // ours looked, then asked
            clock.advance(Duration.ofSeconds(20));
            gate.complete(null);
            assertEquals(20_000, theirs.get(10, TimeUnit.SECONDS).loadMs(), "the load that found it absent is timed");
            assertEquals(-1, ours.get(10, TimeUnit.SECONDS).loadMs(), "listed as loading: only its end was waited for");
        }
    }

    @Test
    void aLoadCompletesOnlyWhenTheServerHasLoaded() throws Exception {
        try (FakeOllamaServer s = new FakeOllamaServer()) {
            CompletableFuture<Void> gate = s.gate("big");
            CompletableFuture<ModelBackend.LoadResult> load = backend(s).load(model("big"), Duration.ofSeconds(30));
            assertFalse(load.isDone());
            gate.complete(null);
            load.get(10, TimeUnit.SECONDS);
            assertTrue(s.isLoaded("big"));
        }
    }

    @Test
    void failuresAreRetriedThenOpenTheCircuitWhichHalfOpensLater() throws Exception {
        try (FakeOllamaServer s = new FakeOllamaServer()) {
            OllamaBackend b = backend(s);
            s.failNext(1, 500); // transient: retried, succeeds
            b.load(model("a"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            s.failNext(100, 500);
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> b.load(model("a"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("WMP-8004"), e.getCause().getMessage());
            int calls = s.requests.size();
            ExecutionException open = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> b.loaded().get(10, TimeUnit.SECONDS));
            assertTrue(open.getCause().getMessage().contains("WMP-8005"), open.getCause().getMessage());
            assertEquals(calls, s.requests.size()); // refused without calling
            s.failNext(0, 500);
            clock.advance(Duration.ofSeconds(31));
            assertTrue(b.loaded().get(10, TimeUnit.SECONDS).stream().anyMatch(m -> b.sameModel("a", m.modelId())),
                    "the half-open trial call goes through");
            b.load(model("a"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void clientErrorsAreNotRetried() throws Exception {
        try (FakeOllamaServer s = new FakeOllamaServer()) {
            s.failNext(5, 404);
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> backend(s).load(model("missing"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("HTTP 404"));
            assertEquals(List.of("GET /api/ps"), s.requests.subList(0, 1), "the look, then one load request");
            assertEquals(2, s.requests.size());
        }
    }

    @Test
    void anEmbeddingModelIsLoadedThroughTheEmbedEndpoint() throws Exception {
        try (FakeOllamaServer s = new FakeOllamaServer()) {
            s.embeddingOnly.add("nomic-embed-text:latest");
            OllamaBackend b = backend(s);
            b.load(model("nomic-embed-text"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertTrue(s.isLoaded("nomic-embed-text"));
            String embed = s.requests.stream().filter(r -> r.startsWith("POST /api/embed ")).findFirst().orElseThrow();
            JsonObject sent = JsonParser.parseString(embed.substring("POST /api/embed ".length())).getAsJsonObject();
            assertEquals("45m", sent.get("keep_alive").getAsString(), "the backend's keepAlive, as generate sends it");
            assertFalse(sent.has("input"), "no input: a load, nothing embedded");
            b.unload(model("nomic-embed-text")).get(10, TimeUnit.SECONDS); // generate with keep_alive 0 unloads any
            assertFalse(s.isLoaded("nomic-embed-text"));
        }
    }

    @Test
    void clientErrorsLeaveTheCircuitClosed() throws Exception {
        try (FakeOllamaServer s = new FakeOllamaServer()) {
            OllamaBackend b = backend(s);
            s.failNext(3, 404); // a model it does not have, asked for three times: the server answered each time
            for (int i = 0; i < 3; i++) {
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> b.load(model("missing"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("HTTP 404"), e.getCause().getMessage());
            }
            assertTrue(b.loaded().get(10, TimeUnit.SECONDS).isEmpty(), "the next call is made, not refused");
            assertEquals(7, s.requests.size(), "three looks and three loads, then the list");
        }
    }

    @Test
    void aStoppedServerIsConnectionRefused() throws Exception {
        FakeOllamaServer s = new FakeOllamaServer();
        OllamaBackend b = backend(s);
        s.close();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> b.loaded().get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof WarmupException, String.valueOf(e.getCause()));
    }

    @Test
    void aCatalogueIdAndTheListedNameAreTheSameModelInOllamasFullForm() {
        OllamaBackend b = new OllamaBackend(new BackendSpec("local", "ollama", "http://127.0.0.1:11434", false, 2, null,
                null, null), http, clock);
        assertTrue(b.sameModel("qwen2.5-coder", "qwen2.5-coder:latest"));
        assertTrue(b.sameModel("qwen2.5-coder:1.5b", "qwen2.5-coder:1.5b"));
        assertTrue(b.sameModel("Llama3.2", "llama3.2:latest"), "without regard to case");
        assertTrue(b.sameModel("library/mistral", "mistral:latest"));
        assertTrue(b.sameModel("registry.ollama.ai/library/mistral:latest", "mistral:latest"));
        assertTrue(b.sameModel("jmorgan/coder", "jmorgan/coder:latest"));
        assertTrue(b.sameModel("hf.co/bartowski/Qwen2.5-Coder-GGUF:Q4_K_M", "hf.co/bartowski/qwen2.5-coder-gguf:Q4_K_M"));
        assertTrue(b.sameModel("localhost:5000/team/coder", "localhost:5000/team/coder:latest"), "a port is no tag");
        assertFalse(b.sameModel("qwen2.5-coder:1.5b", "qwen2.5-coder:latest"));
        assertFalse(b.sameModel("jmorgan/coder", "coder:latest"));
        assertFalse(b.sameModel("coder", "coder-x:latest"));
    }
}
