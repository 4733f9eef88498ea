package dev.warmup.server.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.MutableClock;
import dev.warmup.server.backend.fake.FakeLmStudioServer;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.config.BackendSpec;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** LM Studio's own REST API, against a real HTTP server that answers as its documentation says. */
class LmStudioBackendTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LmStudioBackend backend(String url) {
        JsonObject options = new JsonObject();
        options.addProperty("context_length", 8192);
        return new LmStudioBackend(new BackendSpec("lms", "lmstudio", url, false, 5, null, options, "LM_TOKEN"),
                http, clock, Map.of("LM_TOKEN", "tok-1"));
    }

    private static ModelSpec model(String id) {
        return new ModelSpec(id, List.of("chat"), 1500, 5.0, "lms", null);
    }

    @Test
    void listsOnlyWhatIsLoadedLoadsOnceAndUnloadsEveryInstance() throws Exception {
        try (FakeLmStudioServer s = new FakeLmStudioServer("qwen2.5-coder-7b", "gemma-3-4b")) {
            LmStudioBackend b = backend(s.url());
            assertEquals(List.of(), b.loaded().get(10, TimeUnit.SECONDS), "models on disk are not loaded ones");
            ModelBackend.LoadResult r = b.load(model("qwen2.5-coder-7b"), Duration.ofSeconds(10))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(2500, r.loadMs(), "LM Studio's load_time_seconds");
            assertEquals(1500, r.memoryMb());
            String load = s.requests.stream().filter(q -> q.startsWith("POST /api/v1/models/load")).findFirst()
                    .orElseThrow();
            assertTrue(load.endsWith("auth=Bearer tok-1"), load);
            JsonObject sent = JsonParser.parseString(load.substring("POST /api/v1/models/load ".length(),
                    load.indexOf(" auth="))).getAsJsonObject();
            assertEquals(8192, sent.get("context_length").getAsInt()); // beside the model, as LM Studio reads it
            List<ModelBackend.LoadedModel> loaded = b.loaded().get(10, TimeUnit.SECONDS);
            assertEquals(List.of("qwen2.5-coder-7b"), loaded.stream().map(ModelBackend.LoadedModel::modelId).toList());
            assertEquals(1500, loaded.get(0).memoryMb());

            assertEquals(-1, b.load(model("qwen2.5-coder-7b"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS)
                    .loadMs(), "a renewal: loaded already, no load time to learn");
            assertEquals(List.of("qwen2.5-coder-7b"), s.instances("qwen2.5-coder-7b"), "no second instance");

            s.loadedElsewhere("gemma-3-4b");
            s.loadedElsewhere("gemma-3-4b"); // two instances, from LM Studio's own window
            b.unload(model("gemma-3-4b")).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(), s.instances("gemma-3-4b"));
            assertEquals(List.of("qwen2.5-coder-7b"), s.instances("qwen2.5-coder-7b"));

            ExecutionException missing = assertThrows(ExecutionException.class,
                    () -> b.load(model("nope"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
            assertTrue(missing.getCause().getMessage().contains("HTTP 404"), missing.getCause().getMessage());
        }
    }

    @Test
    void aServerWithoutTheV1ApiIsNamedInTheError() throws Exception {
        try (FakeOllamaServer notLmStudio = new FakeOllamaServer()) { // answers 404 at /api/v1/models
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> backend(notLmStudio.url()).loaded().get(10, TimeUnit.SECONDS));
            String message = e.getCause().getMessage();
            assertTrue(message.startsWith("WMP-8004 Model server request failed: GET ") // once, not twice
                    && message.contains("LM Studio 0.4 or later"), message);
        }
    }
}
