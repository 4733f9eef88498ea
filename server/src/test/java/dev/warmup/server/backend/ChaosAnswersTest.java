package dev.warmup.server.backend;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.MutableClock;
import dev.warmup.server.backend.fake.ChaosModelServer;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every backend type against a model server answering its endpoints with mutated JSON, HTTP errors and bodies that are
 * not JSON (a fixed seed): every call ends, done or failed with WMP-8004 (or WMP-8005 while the circuit is open),
 * never with another exception, which the scheduler could only report in Java's words. {@code -Dchaos.seed=N
 * -Dchaos.calls=M} mutates otherwise, or longer.
 */
class ChaosAnswersTest {
    private static final int CALLS = Integer.getInteger("chaos.calls", 60);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Function<String, ModelBackend> backend(String type) {
        return url -> {
            BackendSpec spec = new BackendSpec("chaos", type, url, false, 1, null, null, null);
            return switch (type) {
                case BackendSpec.OLLAMA -> new OllamaBackend(spec, http, clock);
                case BackendSpec.LLAMACPP -> new LlamaCppBackend(spec, http, clock, Map.of());
                case BackendSpec.LMSTUDIO -> new LmStudioBackend(spec, http, clock, Map.of());
                case BackendSpec.LLAMASWAP -> new LlamaSwapBackend(spec, http, clock, Map.of());
                default -> new OpenAiCompatibleBackend(spec, http, clock, Map.of());
            };
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {BackendSpec.OLLAMA, BackendSpec.LLAMACPP, BackendSpec.OPENAI, BackendSpec.LMSTUDIO,
        BackendSpec.LLAMASWAP})
    void everyAnswerEndsInAResultOrAWmpCode(String type) throws Exception {
        ModelSpec coder = new ModelSpec("coder", List.of("completion"), 1000, 1.0, "chaos", null);
        try (ChaosModelServer server = new ChaosModelServer(type.hashCode() + Long.getLong("chaos.seed", 0))) {
            ModelBackend b = backend(type).apply(server.url());
            for (int i = 0; i < CALLS; i++) {
                CompletableFuture<?> call = switch (i % 3) {
                    case 0 -> b.loaded();
                    case 1 -> b.load(coder, Duration.ofSeconds(1));
                    default -> b.unload(coder);
                };
                try {
                    call.get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    WarmupException w = assertInstanceOf(WarmupException.class, e.getCause(), type + " call " + i);
                    assertTrue(w.code() == ErrorCode.WMP_8004 || w.code() == ErrorCode.WMP_8005, w.getMessage());
                }
                clock.advance(Duration.ofSeconds(31)); // past any open circuit's pause
            }
        }
    }
}
