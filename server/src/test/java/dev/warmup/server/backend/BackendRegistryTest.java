package dev.warmup.server.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.MutableClock;
import dev.warmup.server.backend.fake.FakeLlamaSwapServer;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.lsp.ClientNotifier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The backends across settings changes: what a backend knows of its model server outlives changes to other keys. */
class BackendRegistryTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));

    @Test
    void aBackendWhoseEntryDidNotChangeKeepsWhatItKnowsWhenOtherSettingsChange() throws Exception {
        try (FakeLlamaSwapServer s = new FakeLlamaSwapServer("coder")) {
            s.ttl("coder", 300);
            ConfigurationManager config = new ConfigurationManager();
            config.apply(JsonParser.parseString(settings(s.url(), 0.7, 5)));
            BackendRegistry registry = new BackendRegistry(config, new ClientNotifier(), clock);
            ModelSpec coder = config.current().models().get(0);
            long loadedAt = clock.millis();
            registry.lookup("swap").load(coder, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(loadedAt + 300_000), expiries(registry), "known from our load");

            config.apply(JsonParser.parseString(settings(s.url(), 0.9, 5))); // another key changed
            assertEquals(List.of(loadedAt + 300_000), expiries(registry),
                    "still known: the scheduler renews it before llama-swap's ttl runs out");

            config.apply(JsonParser.parseString(settings(s.url(), 0.9, 7))); // the backend's own entry changed
            assertEquals(List.of(-1L), expiries(registry), "a new backend, which has not loaded it");
        }
    }

    private static List<Long> expiries(BackendRegistry registry) throws Exception {
        return registry.lookup("swap").loaded().get(10, TimeUnit.SECONDS).stream()
                .map(ModelBackend.LoadedModel::expiresAtMillis).toList();
    }

    private static String settings(String url, double threshold, int timeoutSeconds) {
        return "{\"predictionThreshold\": " + threshold + ", \"backends\": {\"swap\": {\"type\": \"llamaswap\", "
                + "\"url\": \"" + url + "\", \"timeoutSeconds\": " + timeoutSeconds + "}}, \"models\": [{\"id\": "
                + "\"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500, \"backend\": \"swap\"}]}";
    }
}
