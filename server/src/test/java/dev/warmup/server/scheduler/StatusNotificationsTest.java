package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.warm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ClientNotifier;
import dev.warmup.server.lsp.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warmup/statusChanged} says what changed, not that a warm model was used again: an orchestrator reporting
 * every request of a busy service must not get a notification per request.
 */
class StatusNotificationsTest {
    @TempDir Path dir;

    @Test
    void usesOfAWarmModelAreNotAnnouncedButTheNextChangeCarriesTheirLastUse() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            h.initialize("{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500},"
                    + " {\"id\": \"chat\", \"tasks\": [\"chat\"], \"memoryMb\": 4000}]}");
            var api = h.server.getWarmupService();
            api.modelUsed(new ModelUsedParams("coder", "completion", null, 40L, true)); // was unloaded: news
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
            int before = h.client.statuses.size();
            for (int i = 0; i < 50; i++) {
                h.clock.advance(Duration.ofSeconds(1));
                api.modelUsed(new ModelUsedParams("coder", "completion", null, 40L, false));
            }
            api.modelUsed(new ModelUsedParams("chat", "chat", null, 900L, true)); // was unloaded: news
            List<WarmupStatus> all = h.client.await(h.client.statuses, l -> warm(l, "chat"), Duration.ofSeconds(30));
            h.flush();

            assertEquals(before + 1, h.client.statuses.size(), "one notification: chat turned warm");
            ModelStatus coder = all.get(all.size() - 1).models().stream().filter(m -> m.id().equals("coder"))
                    .findFirst().orElseThrow();
            assertEquals("2026-03-02T09:00:50Z", coder.lastUsed(), "the coder's uses are in the next status");
            assertEquals("warm", coder.state());
        }
    }

    @Test
    void theStatusShowsEachModelsChanceOfBeingNeededAsTheLastTickSawItPausedOrNot() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = WarmingFixture.start(h, ollama);
            assertNull(WarmingFixture.coder(h).probability(), "nothing planned yet");
            scheduler.tick().get(30, TimeUnit.SECONDS);
            Double p = WarmingFixture.coder(h).probability();
            assertTrue(p != null && p > 0.5 && p <= 1, "completion every half minute for an hour: " + p);
            h.command("warmup.pause");
            h.clock.advance(Duration.ofMinutes(20)); // no use since: the chance falls, and the paused status follows it
            scheduler.tick().get(30, TimeUnit.SECONDS);
            Double paused = WarmingFixture.coder(h).probability();
            assertTrue(paused != null && paused < p, "paused, still forecast: " + paused + " after " + p);
        }
    }

    @Test
    void aProbabilityThatMovesWithinItsFirstDecimalIsNotAnnounced() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            h.initialize("{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500}]}");
            ClientNotifier notifier = h.injector.getInstance(ClientNotifier.class);
            notifier.statusChanged(status(0.91));
            h.client.await(h.client.statuses, l -> !l.isEmpty() && Double.valueOf(0.91).equals(
                    l.get(l.size() - 1).models().get(0).probability()), Duration.ofSeconds(30));
            h.flush();
            int before = h.client.statuses.size();
            notifier.statusChanged(status(0.93));
            notifier.statusChanged(status(0.74)); // news
            h.client.await(h.client.statuses, l -> l.size() > before, Duration.ofSeconds(30));
            h.flush();
            assertEquals(before + 1, h.client.statuses.size());
            assertEquals(0.74, h.client.statuses.get(h.client.statuses.size() - 1).models().get(0).probability());
        }
    }

    private static WarmupStatus status(double probability) {
        return new WarmupStatus("0", "running", "heuristic", null, List.of(new ModelStatus("coder", "unloaded", 1500,
                probability, null, "client", null, null, null, null, null)), 0, 2048, 0, 5, true, null);
    }
}
