package dev.warmup.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.warmup.server.JsonMutator;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A settings section with every key, backend type and model field set, mutated at random (a fixed seed): each is
 * either taken or refused with WMP-8001 (or WMP-8006 for a remote URL) naming a key under {@code warmup.}, never with
 * another exception, which the editor would see as an internal error.
 */
class SettingsFuzzTest {
    private static final String FULL = """
            {"maxWarmModels": 3, "maxMemoryMb": 8192, "maxCpuPercent": 40.5, "predictionThreshold": 0.8,
             "usageWindowSeconds": 7200, "maxQueueSize": 50, "warmupTimeoutSeconds": 60,
             "performanceImpactThreshold": 0.2, "learningRate": 0.05, "backgroundWarmupEnabled": false,
             "predictionCacheTtlSeconds": 120, "historyDays": 30, "maxConcurrentLoads": 2,
             "backends": {
               "local": {"type": "ollama", "url": "http://127.0.0.1:11434", "keepAlive": "30m",
                         "options": {"num_ctx": 8192}, "timeoutSeconds": 20},
               "cpp": {"type": "llamacpp", "url": "http://localhost:8080"},
               "oai": {"type": "openai", "url": "http://[::1]:8000/v1", "apiKeyEnv": "OPENAI_KEY"},
               "studio": {"type": "lmstudio", "url": "http://127.0.0.1:1234"},
               "swap": {"type": "llamaswap", "url": "https://gpu.lan:8443", "allowRemote": true},
               "editor": {"type": "client"}},
             "models": [
               {"id": "qwen2.5-coder:1.5b", "tasks": ["completion"], "memoryMb": 1500, "loadSeconds": 3,
                "backend": "local", "options": {"num_gpu": 1}},
               {"id": "chat", "tasks": ["chat", "custom:review"], "memoryMb": 5500, "loadSeconds": 10,
                "backend": "oai"},
               {"id": "coder", "tasks": ["refactoring", "analysis"], "backend": "client"}]}
            """;

    @Test
    void mutatedSettingsAreTakenOrRefusedNamingTheKey() {
        JsonElement full = JsonParser.parseString(FULL);
        assertEquals(3, SettingsParser.parse(full).models().size(), "the unmutated section is taken");
        JsonMutator random = new JsonMutator(Long.getLong("fuzz.seed", 20261201));
        int taken = 0;
        for (int i = 0; i < 20_000; i++) {
            JsonElement mutated = random.mutate(full);
            try {
                SettingsParser.parse(mutated);
                taken++;
            } catch (WarmupException e) {
                assertTrue(Set.of(ErrorCode.WMP_8001, ErrorCode.WMP_8006).contains(e.code()), e.getMessage());
                assertTrue(e.getMessage().contains(": warmup"), "names the key: " + e.getMessage());
            } catch (RuntimeException e) {
                throw new AssertionError(mutated + " -> " + e, e);
            }
        }
        assertTrue(taken > 100 && taken < 19_900, "both ways met: " + taken + " of 20,000 taken");
    }
}
