package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.store.UsageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleTest {
    @TempDir Path dir;

    @Test
    void exitsWhenTheParentEditorDies() throws Exception {
        Process parent = new ProcessBuilder("sleep", "600").start();
        try (ServerHarness h = new ServerHarness(dir)) {
            InitializeParams p = new InitializeParams();
            p.setCapabilities(new ClientCapabilities());
            p.setProcessId((int) parent.pid());
            h.server.initialize(p).get(10, TimeUnit.SECONDS);
            assertTrue(!h.exitCode.isDone(), "still running while the parent lives");
            parent.destroyForcibly().waitFor();
            assertEquals(1, h.exitCode.get(30, TimeUnit.SECONDS), "no shutdown was requested, so exit code 1");
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void aDamagedStoreIsReportedToTheClientAndTheServerStillAnswers() throws Exception {
        Files.write(dir.resolve("usage.db"), "garbage, not SQLite ".repeat(300).getBytes());
        try (ServerHarness h = new ServerHarness(dir)) {
            h.initialize(null);
            var shown = h.client.await(h.client.shown, l -> !l.isEmpty(), Duration.ofSeconds(10));
            assertEquals(MessageType.Warning, shown.get(0).getType());
            assertTrue(shown.get(0).getMessage().startsWith("WMP-7001"), shown.get(0).getMessage());
            h.command("warmup.status");
            h.flush();
            assertEquals(1, h.injector.getInstance(UsageStore.class).eventCount(), "the fresh store records");
        }
    }
}
