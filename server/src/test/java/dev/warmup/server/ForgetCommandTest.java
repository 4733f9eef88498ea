package dev.warmup.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forget}: a data directory's history deleted without an editor, only when asked twice. */
class ForgetCommandTest {
    @TempDir Path dir;

    @Test
    void theHistoryAndItsFilesGoWithYesAndNothingWithout() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path model = Files.writeString(data.resolve("predictor.json"), "{}");
        Path export = Files.writeString(Files.createDirectories(data.resolve("exports")).resolve("t.jsonl"), "{}\n");
        try (UsageStore store = UsageStore.open(data.resolve("usage.db"))) {
            store.append(List.of(UsageEvent.simple(1000, EventKind.CHANGE, null, null),
                    UsageEvent.simple(2000, EventKind.MODEL_USED, null, "chat")));
        }

        CliRun asked = CliRun.of("forget", "--data-dir", data.toString());
        assertEquals(2, asked.code());
        assertTrue(asked.err().startsWith(CliRun.REFUSED + "forget: this deletes the usage history in " + data
                + " for good: add --yes"), asked.err());
        assertTrue(Files.exists(model));

        CliRun r = CliRun.of("forget", "--data-dir", data.toString(), "--yes");
        assertEquals(0, r.code(), r.err());
        assertEquals("forgot 2 events, 2 daily counts and 0 metrics snapshots in " + data.resolve("usage.db")
                + "; deleted 2 files learnt from them or holding copies", r.out().strip());
        assertFalse(Files.exists(model));
        assertFalse(Files.exists(export));
        try (UsageStore store = UsageStore.open(data.resolve("usage.db"))) {
            assertEquals(0, store.eventCount());
            assertTrue(store.historyForgottenAt() > 0, "for the servers using it");
        }

        CliRun none = CliRun.of("forget", "--data-dir", dir.resolve("elsewhere").toString(), "--yes");
        assertEquals(1, none.code());
        assertEquals(CliRun.REFUSED + "forget: " + dir.resolve("elsewhere").resolve("usage.db")
                + ": no usage history recorded there (--data-dir)", none.err().strip());
    }
}
