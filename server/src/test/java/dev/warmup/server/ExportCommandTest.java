package dev.warmup.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export}: a data directory's history as a trace the replay reads, without an editor and beside one. */
class ExportCommandTest {
    private static final String REFUSED = CliRun.REFUSED;

    @TempDir Path dir;

    private static UsageEvent chat(long at) {
        return new UsageEvent(at, EventKind.MODEL_USED, null, "chat", "llama", null, null, 0, 0, -1, -1, 900, true);
    }

    @Test
    void theHistoryOfADataDirectoryIsExportedWhileAServerUsesItAndReplays() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path trace = dir.resolve("mine.jsonl.gz");
        try (UsageStore store = UsageStore.open(data.resolve("usage.db"))) { // an editor's server has it open
            store.append(List.of(UsageEvent.simple(0, EventKind.CHANGE, null, null), chat(60_000), chat(600_000)));
            CliRun r = CliRun.of("export", "--data-dir", data.toString(), trace.toString());
            assertEquals(0, r.code(), r.err());
            assertEquals("exported 3 events from " + data.resolve("usage.db") + " to " + trace, r.out().strip());
            store.append(List.of(chat(700_000))); // and goes on recording
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(trace)));
        Path json = dir.resolve("replay.json");
        CliRun replay = CliRun.of("replay", "--trace", trace.toString(), "--format", "jsonl", "--policy", "keepalive-5",
                "--json", json.toString());
        assertEquals(0, replay.code(), replay.err());
        JsonObject totals = JsonParser.parseString(Files.readString(json)).getAsJsonObject()
                .getAsJsonObject("totals");
        assertEquals(3, totals.get("events").getAsInt());
        assertEquals(2, totals.getAsJsonObject("requests").get("chat").getAsInt());
    }

    @Test
    void aMissingHistoryOrAnExistingFileIsOneLineAndExitOne() throws Exception {
        Path data = Files.createDirectories(dir.resolve("empty"));
        CliRun none = CliRun.of("export", "--data-dir", data.toString(), dir.resolve("t.jsonl").toString());
        assertEquals(1, none.code());
        assertEquals(REFUSED + "export: " + data.resolve("usage.db") + ": no usage history recorded there (--data-dir)",
                none.err().strip());
        assertFalse(Files.exists(dir.resolve("t.jsonl")));

        try (UsageStore store = UsageStore.open(data.resolve("usage.db"))) {
            store.append(List.of(chat(1000)));
        }
        Path taken = Files.writeString(dir.resolve("taken.jsonl"), "mine\n");
        CliRun exists = CliRun.of("export", "--data-dir", data.toString(), taken.toString());
        assertEquals(1, exists.code());
        assertTrue(exists.err().strip().startsWith(REFUSED + "export: " + taken), exists.err());
        assertEquals(1, exists.err().strip().lines().count(), "no stack trace: " + exists.err());
        assertEquals("mine\n", Files.readString(taken), "never written over");

        Path damaged = Files.createDirectories(dir.resolve("damaged"));
        Files.writeString(damaged.resolve("usage.db"), "not a database, just text that fills a page. ".repeat(100));
        Path out = dir.resolve("half.jsonl");
        CliRun unreadable = CliRun.of("export", "--data-dir", damaged.toString(), out.toString());
        assertEquals(1, unreadable.code());
        assertTrue(unreadable.err().strip().startsWith(REFUSED + "export: reading " + damaged.resolve("usage.db")),
                unreadable.err());
        assertEquals(1, unreadable.err().strip().lines().count(), "no stack trace: " + unreadable.err());
        assertFalse(Files.exists(out), "no half-written trace left behind");
    }
}
