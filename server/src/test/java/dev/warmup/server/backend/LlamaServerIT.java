package dev.warmup.server.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.LogCapture;
import dev.warmup.server.backend.real.RealLlamaServer;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.errors.WarmupException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The llamacpp backend against a real llama-server (Debian's build of llama.cpp, prepared by
 * {@code scripts/llama-server.sh}), not against the fake written from its source: the router's load, list, unload,
 * aliases, sleep and API key, and a single-model server; and the openai backend against its OpenAI-compatible
 * endpoints.
 */
class LlamaServerIT {
    @TempDir Path dir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static ModelSpec model(String id) {
        return new ModelSpec(id, List.of("completion"), 1, 1.0, "llama", null);
    }

    private LlamaCppBackend backend(RealLlamaServer s, String apiKeyEnv, Map<String, String> env, String mode) {
        JsonObject options = null;
        if (mode != null) {
            options = new JsonObject();
            options.addProperty("mode", mode);
        }
        return new LlamaCppBackend(new BackendSpec("llama", "llamacpp", s.url(), false, 10, null, options, apiKeyEnv),
                http, Clock.systemUTC(), env);
    }

    @Test
    void aRouterLoadsListsAndUnloadsAModelAndAnUnloadOfAStoppedOneSucceeds() throws Exception {
        try (RealLlamaServer s = RealLlamaServer.router(dir, List.of("coder", "chat"))) {
            LlamaCppBackend b = backend(s, null, Map.of(), null);
            ModelBackend.LoadResult first = b.load(model("coder"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
            assertTrue(first.loadMs() >= 0, "a load of ours, timed: " + first);
            assertEquals("loaded", state(s, "coder"), s.log());
            assertEquals(List.of("coder"), ids(b.loaded().get(30, TimeUnit.SECONDS)), "only what is loaded");
            assertEquals(-1, b.load(model("coder"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS).loadMs(),
                    "loaded already: the router would refuse a load; none timed");
            b.unload(model("coder")).get(30, TimeUnit.SECONDS);
            awaitState(s, "coder", "unloaded");
            assertEquals(List.of(), ids(b.loaded().get(30, TimeUnit.SECONDS)));
            b.unload(model("coder")).get(30, TimeUnit.SECONDS); // "model is not running": done already
            ExecutionException unknown = assertThrows(ExecutionException.class,
                    () -> b.load(model("nope"), Duration.ofSeconds(30)).get(60, TimeUnit.SECONDS));
            assertTrue(assertInstanceOf(WarmupException.class, unknown.getCause()).getMessage().contains("WMP-8004"),
                    unknown.getCause().getMessage());
        }
    }

    @Test
    void aModelThatCannotStartFailsItsLoadWithTheExitCode() throws Exception {
        Files.write(Files.createDirectories(dir.resolve("models")).resolve("broken.gguf"), new byte[4096]); // no GGUF
        try (RealLlamaServer s = RealLlamaServer.router(dir, List.of("coder"))) {
            LlamaCppBackend b = backend(s, null, Map.of(), null);
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> b.load(model("broken"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS));
            String message = assertInstanceOf(WarmupException.class, failed.getCause()).getMessage();
            assertTrue(message.startsWith("WMP-8004") && message.contains("having failed to start (exit code"),
                    message);
        }
    }

    @Test
    void aLoadThatMakesTheRouterStopAnotherModelSaysHowToConfigureItOnce() throws Exception {
        try (LogCapture log = new LogCapture(StoppedToStart.class);
             RealLlamaServer s = RealLlamaServer.router(dir, List.of("coder", "chat"), "--models-max", "1")) {
            List<String> warnings = log.messages;
            LlamaCppBackend b = backend(s, null, Map.of(), null);
            b.load(model("coder"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
            assertEquals(List.of(), warnings, "nothing else was running");
            b.load(model("chat"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
            assertEquals(List.of("chat"), ids(b.loaded().get(30, TimeUnit.SECONDS)), "the router stopped coder");
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("WMP-8013") && warnings.get(0).contains("stopped coder to start chat")
                    && warnings.get(0).contains("--models-max"), warnings.get(0));
            b.load(model("coder"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
            b.load(model("chat"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
            assertEquals(2, warnings.size(), "each pair said once: " + warnings);
        }
    }

    @Test
    void aModelNamedByItsPresetAliasIsLoadedAndListedUnderItsId() throws Exception {
        Path presets = Files.writeString(dir.resolve("presets.ini"), "[coder]\nalias = completion-model\n");
        try (RealLlamaServer s = RealLlamaServer.router(dir, List.of("coder"), "--models-preset",
                presets.toString())) {
            LlamaCppBackend b = backend(s, null, Map.of(), null);
            b.load(model("completion-model"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
            assertEquals("loaded", state(s, "coder"), s.log());
            List<ModelBackend.LoadedModel> loaded = b.loaded().get(30, TimeUnit.SECONDS);
            assertEquals(List.of("coder"), ids(loaded));
            assertTrue(b.sameModel("completion-model", loaded.get(0).modelId()), "the alias is the listed model");
            b.unload(model("completion-model")).get(30, TimeUnit.SECONDS);
            awaitState(s, "coder", "unloaded");
        }
    }

    @Test
    void aSleepingModelIsNotListedAsLoadedAndALoadWakesIt() throws Exception {
        try (RealLlamaServer s = RealLlamaServer.router(dir, List.of("coder"), "--sleep-idle-seconds", "1")) {
            LlamaCppBackend b = backend(s, null, Map.of(), null);
            b.load(model("coder"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
            awaitState(s, "coder", "sleeping"); // idle for a second: its weights freed, its process kept
            assertEquals(List.of(), ids(b.loaded().get(30, TimeUnit.SECONDS)), "asleep is not warm");
            ModelBackend.LoadResult woken = b.load(model("coder"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
            assertTrue(woken.loadMs() >= 0, "a wake reloads the weights: timed, " + woken);
            assertTrue(List.of("loaded", "sleeping").contains(state(s, "coder")), "woken (and maybe asleep again)");
        }
    }

    @Test
    void aRouterStartedWithAnApiKeyIsSentItFromTheEnvironment() throws Exception {
        try (RealLlamaServer s = RealLlamaServer.router(dir, List.of("coder"), "--api-key", "secret-7")) {
            LlamaCppBackend b = backend(s, "LLAMA_KEY", Map.of("LLAMA_KEY", "secret-7"), null);
            b.load(model("coder"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
            assertEquals("loaded", state(s, "coder", "secret-7"), s.log());
            assertEquals(List.of("coder"), ids(b.loaded().get(30, TimeUnit.SECONDS)), "its list wants the key too");
            b.unload(model("coder")).get(30, TimeUnit.SECONDS);
            awaitState(s, "coder", "unloaded", "secret-7");
            LlamaCppBackend keyless = backend(s, "LLAMA_KEY", Map.of(), null); // the variable not set
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> keyless.load(model("coder"), Duration.ofSeconds(30)).get(60, TimeUnit.SECONDS));
            assertTrue(refused.getCause().getMessage().contains("HTTP 401"), refused.getCause().getMessage());
        }
    }

    @Test
    void aSingleModelServerIsWarmedByACompletionAndListsItsModel() throws Exception {
        try (RealLlamaServer s = RealLlamaServer.single(dir, "coder")) {
            LlamaCppBackend b = backend(s, null, Map.of(), "single");
            assertEquals(-1, b.load(model("coder"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS).loadMs(),
                    "loaded at its start: a warmed cache, no load");
            assertTrue(b.loaded().get(30, TimeUnit.SECONDS).stream().anyMatch(m -> b.sameModel("coder", m.modelId())),
                    "GET /v1/models names it by its alias");
        }
    }

    @Test
    void anOpenAiCompatibleBackendWarmsTheModelOfAServersChatEndpoint() throws Exception {
        try (RealLlamaServer s = RealLlamaServer.single(dir, "coder")) {
            OpenAiCompatibleBackend b = new OpenAiCompatibleBackend(new BackendSpec("llama", "openai", s.url(), false,
                    10, null, null, null), http, Clock.systemUTC(), Map.of());
            assertTrue(b.load(model("coder"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS).loadMs() >= 0,
                    "a one-token chat completion: " + s.log());
            assertTrue(b.loaded().get(30, TimeUnit.SECONDS).stream().anyMatch(m -> m.modelId().equals("coder")));
        }
    }

    @Test
    void aChatTheServerRefusesIsFollowedByAPlainCompletion() throws Exception {
        // a chat template that fails on the warm-up's message, as a base model without one fails on vLLM: the
        // server refuses the chat (HTTP 400) but serves plain completions
        String failing = "{% for m in messages %}{% if m['content'] == 'ok' %}{{ raise_exception('no chat template')"
                + " }}{% endif %}{{ m['content'] }}{% endfor %}";
        try (RealLlamaServer s = RealLlamaServer.single(dir, "coder", "--chat-template", failing)) {
            OpenAiCompatibleBackend b = new OpenAiCompatibleBackend(new BackendSpec("llama", "openai", s.url(), false,
                    10, null, null, null), http, Clock.systemUTC(), Map.of());
            b.load(model("coder"), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
            assertTrue(s.log().contains("no chat template"), "the chat was refused first: " + s.log());
        }
    }

    private static List<String> ids(List<ModelBackend.LoadedModel> models) {
        return models.stream().map(ModelBackend.LoadedModel::modelId).sorted().toList();
    }

    /** {@code id}'s {@code status.value} in the router's {@code GET /models}. */
    private String state(RealLlamaServer s, String id) throws Exception {
        return state(s, id, null);
    }

    /** The same of a router started with {@code --api-key key}, which wants it for its list too. */
    private String state(RealLlamaServer s, String id, String key) throws Exception {
        return s.states(key).getOrDefault(id, "absent");
    }

    /** Waits (60 s at most) until the router says {@code id} is {@code state}: its own threads change states. */
    private void awaitState(RealLlamaServer s, String id, String state) throws Exception {
        awaitState(s, id, state, null);
    }

    private void awaitState(RealLlamaServer s, String id, String state, String key) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String now;
        while (!(now = state(s, id, key)).equals(state)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(id + " is " + now + ", not " + state + ", after 60 s: " + s.log());
            }
            Thread.sleep(100); // the router changes a state when its model's process has started, slept or exited
        }
    }
}
