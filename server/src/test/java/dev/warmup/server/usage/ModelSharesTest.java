package dev.warmup.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's requests divided among the models that serve it: counted uses, a week's half-life, one pseudo-use each. */
class ModelSharesTest {
    @TempDir Path dir;

    private static UsageEvent use(long at, String model) {
        return new UsageEvent(at, EventKind.MODEL_USED, null, "completion", model, null, null, 0, 0, -1, -1, 50, false);
    }

    @Test
    void sharesFollowTheUsesFromTheHistoryAndTheFeedAndFadeWithAWeeksHalfLife() throws Exception {
        List<ModelSpec> catalogue = List.of(
                new ModelSpec("small", List.of("completion", "chat"), 1500, 3.0, null, null),
                new ModelSpec("large", List.of("completion"), 5000, 10.0, null, null));
        try (ServerHarness h = new ServerHarness(dir)) {
            long now = h.clock.millis();
            List<UsageEvent> history = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                history.add(use(now - 1000 - i, "small")); // eight just now
            }
            h.injector.getInstance(UsageStore.class).append(history);
            ModelShares shares = h.injector.getInstance(ModelShares.class);
            assertEquals(1.0, shares.share("small", "chat", catalogue), "the only model serving chat has it all");
            assertEquals(9.0 / 10, shares.share("small", "completion", catalogue), 1e-3);
            assertEquals(1.0 / 10, shares.share("large", "completion", catalogue), 1e-3);
            // a week later the eight count as four; the developer switches to the large model (the live feed)
            h.clock.advance(Duration.ofDays(7));
            h.initialize(null);
            for (int i = 0; i < 4; i++) {
                h.server.getWarmupService().modelUsed(new dev.warmup.protocol.ModelUsedParams("large", "completion",
                        null, null, null));
            }
            h.flush();
            assertEquals(5.0 / 10, shares.share("large", "completion", catalogue), 1e-3);
        }
    }

    /** An orchestrator naming a new model per request: the counts stay bounded and the models in use keep theirs. */
    @Test
    void aNewModelNamePerRequestNeitherGrowsTheCountsNorDrownsTheModelsInUse() throws Exception {
        List<ModelSpec> catalogue = List.of(
                new ModelSpec("small", List.of("completion"), 1500, 3.0, null, null),
                new ModelSpec("large", List.of("completion"), 5000, 10.0, null, null));
        try (ServerHarness h = new ServerHarness(dir)) {
            h.initialize(null);
            ModelShares shares = h.injector.getInstance(ModelShares.class);
            var warmup = h.server.getWarmupService();
            for (int i = 0; i < 3 * ModelShares.MAX_KEYS; i++) {
                warmup.modelUsed(new dev.warmup.protocol.ModelUsedParams("one-off-" + i, "completion", null, null,
                        null));
                if (i % 100 == 0) {
                    h.clock.advance(Duration.ofMinutes(1));
                    warmup.modelUsed(new dev.warmup.protocol.ModelUsedParams(i % 200 == 0 ? "small" : "large",
                            "completion", null, null, null));
                }
            }
            h.flush();
            assertEquals(ModelShares.MAX_KEYS, shares.pairs());
            // 15 uses each of small and large, none lost to the one-offs: an even split
            assertEquals(0.5, shares.share("small", "completion", catalogue), 1e-2);
        }
    }
}
