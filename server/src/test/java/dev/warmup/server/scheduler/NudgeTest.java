package dev.warmup.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.TextDocumentItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The running scheduler acts soon after new usage, without waiting for its periodic tick. */
class NudgeTest {
    @TempDir Path dir;

    @Test
    void anEditorEventAfterABreakWarmsTheModelWithoutWaitingForTheTick() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer(); ServerHarness h = new ServerHarness(dir)) {
            long now = h.clock.millis();
            List<UsageEvent> yesterday = new ArrayList<>(); // completion used all morning, ending two hours ago
            for (long t = now - 5 * 3_600_000L; t < now - 2 * 3_600_000L; t += 30_000) {
                yesterday.add(new UsageEvent(t, EventKind.MODEL_USED, null, "completion", null, null, null, 0, 0,
                        -1, -1, 50, false));
            }
            h.injector.getInstance(UsageStore.class).append(yesterday);
            // a low threshold: this test is about when the scheduler acts, not about how much a break discourages it
            h.initialize("{\"maxCpuPercent\": 100, \"predictionThreshold\": 0.3, \"backends\": {\"local\": {\"type\": \"ollama\", \"url\": \""
                    + ollama.url() + "\"}}, \"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], "
                    + "\"memoryMb\": 1500, \"loadSeconds\": 3, \"backend\": \"local\"}]}");
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.start(3600); // the periodic tick runs once now, then not within this test
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertFalse(ollama.isLoaded("coder"), "the developer is away: nothing to warm");

            h.server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(
                    new TextDocumentItem("file:///work/a.py", "python", 1, "print(1)")));
            h.client.await(h.client.statuses, l -> l.stream().anyMatch(s -> s.models().stream()
                    .anyMatch(m -> m.id().equals("coder") && m.state().equals("warm"))), Duration.ofSeconds(30));
            assertTrue(ollama.isLoaded("coder"));
        }
    }
}
