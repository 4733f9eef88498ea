package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.replay.JsonlTraceSource;
import dev.warmup.server.store.FullStore;
import dev.warmup.server.replay.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutionException;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.TextDocumentItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** warmup.exportTrace writes the history as a JSONL trace that the replay tool reads back. */
class ExportTraceTest {
    @TempDir Path dir;

    @Test
    void exportsHistoryThatReplayReadsAndNeverTheText() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            h.initialize("{}");
            h.server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(
                    new TextDocumentItem("file:///secret/Plan.java", "java", 1, "class TopSecret {}")));
            h.clock.advance(java.time.Duration.ofSeconds(30));
            h.server.getWarmupService().modelUsed(new ModelUsedParams("qwen", "completion", null, 120L, false));
            h.flush();
            Path out = dir.resolve("mine.jsonl");
            JsonObject result = new Gson().toJsonTree(h.command("warmup.exportTrace", out.toString()))
                    .getAsJsonObject();
            assertEquals(out.toString(), result.get("path").getAsString());
            assertFalse(result.has("complete"), "all there: " + result);
            String text = Files.readString(out);
            assertFalse(text.contains("TopSecret") || text.contains("secret/Plan"), text);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
            Trace t = new JsonlTraceSource().read(out);
            assertTrue(t.tasks().contains("completion"));
            assertTrue(result.get("events").getAsLong() >= 2);
            // an existing file is never overwritten; a relative path is refused
            ExecutionException again = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> h.command("warmup.exportTrace", out.toString()));
            assertEquals("WMP-7003 Trace export failed: exporting the trace to " + out + ": something already exists"
                    + " there (a new file is never written over one)", again.getCause().getMessage());
            ExecutionException relative = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> h.command("warmup.exportTrace", "rel.jsonl"));
            assertTrue(relative.getCause().getMessage().contains("WMP-8003"));
            ExecutionException notAPath = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> h.command("warmup.exportTrace", java.util.Map.of("path", out.toString())));
            assertEquals("WMP-8003 Invalid parameters: warmup.exportTrace takes an absolute file path or nothing; got"
                    + " {\"path\":\"" + out + "\"}", notAPath.getCause().getMessage()); // an internal error before
            ExecutionException nul = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> h.command("warmup.exportTrace", "/tmp/a\u0000b")); // found by ProtocolFuzzTest's seed 1
            assertTrue(nul.getCause().getMessage().startsWith("WMP-8003 Invalid parameters: exportTrace needs an"
                    + " absolute file path; /tmp/a\u0000b is no path here: "), nul.getCause().getMessage());
            // a path ending in .gz gets the trace compressed (the same lines first: the commands since may have been
            // recorded after them), which the replay reads as it is
            Path gz = dir.resolve("mine.jsonl.gz");
            h.command("warmup.exportTrace", gz.toString());
            try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
                String unzipped = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(unzipped.startsWith(text), unzipped);
            }
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(gz)));
            // every command since the first export is recorded before an export reads the store: five more
            assertEquals(t.users().get(0).size() + 5, new JsonlTraceSource().read(gz).users().get(0).size());
            // and .xz, as the replay reads .xz (before, it was written plain under that name and the replay refused it)
            Path xz = dir.resolve("mine.jsonl.xz");
            h.command("warmup.exportTrace", xz.toString());
            try (var in = new org.tukaani.xz.XZInputStream(Files.newInputStream(xz))) {
                String unpacked = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(unpacked.startsWith(text), unpacked);
            }
            assertEquals(t.users().get(0).size() + 6, new JsonlTraceSource().read(xz).users().get(0).size());
        }
    }

    @Test
    void anExportWhileTheStoreFailsSaysItIsNotComplete() throws Exception {
        try (ServerHarness h = new ServerHarness(dir.resolve("data"))) {
            h.initialize("{}");
            h.flush();
            dev.warmup.server.store.UsageStore store = h.injector.getInstance(dev.warmup.server.store.UsageStore.class);
            long stored = store.eventCount() + FullStore.fill(store, h.clock.millis()); // inserts fail from now on
            h.server.getWarmupService().modelUsed(new ModelUsedParams("qwen", "completion", null, 120L, false));
            h.status(); // handled: the use waits for the store
            Path out = dir.resolve("partial.jsonl");
            JsonObject result = new Gson().toJsonTree(h.command("warmup.exportTrace", out.toString()))
                    .getAsJsonObject(); // after its 5-s wait for the store
            assertEquals(stored, result.get("events").getAsLong(), "what is stored: " + result);
            assertFalse(result.get("complete").getAsBoolean(), result.toString());
            assertTrue(result.get("note").getAsString().contains("WMP-7002"), result.toString());
            assertEquals(stored, Files.readAllLines(out).size());
            FullStore.makeRoom(store);
            h.flush();
            assertTrue(store.allEvents().stream().anyMatch(e -> "qwen".equals(e.model())), "stored once there is room");
        }
    }
}
