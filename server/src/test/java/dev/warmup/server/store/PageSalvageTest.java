package dev.warmup.server.store;

import static dev.warmup.server.store.DamagedFiles.garblePage;
import static dev.warmup.server.store.DamagedFiles.indexOf;
import static dev.warmup.server.store.DamagedFiles.marked;
import static dev.warmup.server.store.DamagedFiles.prunedStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged store whose rows SQLite can no longer reach (the events table's root page, the schema page or the header
 * garbled) is read back from its pages directly. Each of these lost every event before.
 */
class PageSalvageTest {
    @TempDir Path dir;

    @Test
    void everyFieldOfEveryEventComesBackWhenTheTablesRootPageIsGarbled() throws Exception {
        List<UsageEvent> written = new ArrayList<>();
        for (int i = 0; i < 3000; i++) { // every column, with values of every size SQLite stores integers in
            written.add(new UsageEvent(1_700_000_000_000L + 997L * i, EventKind.values()[i % EventKind.values().length],
                    i % 5 == 0 ? null : "detail-" + i, i % 3 == 0 ? "chat" : null, i % 3 == 0 ? "coder:7b" : null,
                    i % 2 == 0 ? "java" : null, i % 2 == 0 ? "h" + i : null, i * 37, i % 7, i - 1, i * 100_003,
                    i % 4 == 0 ? -1 : i * 1_000_003L, i % 3 == 0 ? (Boolean) (i % 2 == 0) : null));
        }
        Path file = dir.resolve("usage.db");
        long root;
        try (UsageStore s = UsageStore.open(file)) {
            s.append(written);
            root = rootPage(s, "events");
        }
        garblePage(file, root);
        try (UsageStore s = UsageStore.open(file)) {
            String note = s.recoveryNote().orElseThrow();
            assertTrue(note.contains("; 3000 events and ")
                    && note.contains("; 3000 rows were read from the file's pages directly"), note);
            assertEquals(written, s.allEvents());
        }
    }

    @Test
    void aFileSQLiteNoLongerTakesForADatabaseKeepsItsEventsAndDailyCounts() throws Exception {
        Path file = storeOf(marked(5000));
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] = 's'; // "SQLite format 3" no more: SQLite refuses the whole file
        Files.write(file, bytes);
        try (UsageStore s = UsageStore.open(file, ZoneOffset.UTC)) {
            String note = s.recoveryNote().orElseThrow();
            assertTrue(note.contains("; 5000 events and 1 daily count read back"), note);
            assertEquals(marked(5000), s.allEvents());
            assertEquals(5000L, (long) s.query("SELECT count FROM daily_aggregates", List.of(), rs -> rs.getLong(1)));
        }
    }

    @Test
    void aGarbledFirstPageHeaderAndSchemaKeepsTheEvents() throws Exception {
        Path file = storeOf(marked(5000));
        garblePage(file, 1);
        try (UsageStore s = UsageStore.open(file)) {
            assertTrue(s.recoveryNote().orElseThrow().contains("; 5000 events"), s.recoveryNote().orElseThrow());
            assertEquals(marked(5000), s.allEvents());
        }
    }

    /**
     * The file copied while its server ran (a backup, a sync), its header then garbled: the latest events are in the
     * copied write-ahead log only, which SQLite does not read once it refuses the file.
     */
    @Test
    void eventsStillInTheWriteAheadLogComeBack() throws Exception {
        List<UsageEvent> late = List.of(UsageEvent.simple(2_000_000, EventKind.ACTIVITY, "late-1", null),
                UsageEvent.simple(2_000_001, EventKind.ACTIVITY, "late-2", null));
        Path file = copiedWhileRunning(marked(2000), s -> s.append(late));
        byte[] bytes = Files.readAllBytes(file);
        assertThrows(AssertionError.class, () -> indexOf(bytes, "late-1".getBytes(StandardCharsets.US_ASCII)),
                "not in the database file itself");
        bytes[0] = 's';
        Files.write(file, bytes);
        List<UsageEvent> all = new ArrayList<>(marked(2000));
        all.addAll(late);
        try (UsageStore s = UsageStore.open(file)) {
            assertTrue(s.recoveryNote().orElseThrow().contains("; 2002 events"), s.recoveryNote().orElseThrow());
            assertEquals(all, s.allEvents());
        }
    }

    /** Pages freed by retention still hold the rows it deleted: with the header readable, they are not read. */
    @Test
    void eventsDeletedByRetentionDoNotComeBack() throws Exception {
        Path file = dir.resolve("usage.db");
        long root;
        try (UsageStore s = UsageStore.open(file)) {
            s.append(marked(5000));
            assertEquals(4000, s.prune(4000 * 1000L));
            root = rootPage(s, "events");
        }
        garblePage(file, root);
        try (UsageStore s = UsageStore.open(file)) {
            assertTrue(s.recoveryNote().orElseThrow().contains("; 1000 events"), s.recoveryNote().orElseThrow());
            assertEquals(marked(5000).subList(4000, 5000), s.allEvents());
        }
    }

    /**
     * With the header's freelist garbled the freed pages cannot be told, but SQLite still reads the events table:
     * where it reads, its answer stands, and the rows retention deleted (still on those pages) do not come back.
     */
    @Test
    void eventsDeletedByRetentionDoNotComeBackWhenTheFreelistIsGarbled() throws Exception {
        Path file = prunedStore(dir.resolve("usage.db"), 5000, 4000);
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes[35] != 0 || bytes[34] != 0, "a freelist, its first trunk page in bytes 32-35");
        bytes[32] = bytes[33] = bytes[34] = bytes[35] = 0; // no trunk page: the freed pages look like any other
        Files.write(file, bytes);
        onlyTheLast1000ComeBack(file);
    }

    /** Opens the damaged {@code file} of {@code prunedStore(file, 5000, 4000)}: only the 1,000 kept come back. */
    private static void onlyTheLast1000ComeBack(Path file) {
        try (UsageStore s = UsageStore.open(file)) {
            assertTrue(s.recoveryNote().orElseThrow().contains("; 1000 events"), s.recoveryNote().orElseThrow());
            assertEquals(marked(5000).subList(4000, 5000), s.allEvents());
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * With the header garbled nothing tells the freed pages from the others, but the store deletes securely: the rows
     * retention deleted were overwritten, so none comes back.
     */
    @Test
    void eventsDeletedByRetentionDoNotComeBackWhenTheHeaderIsGarbled() throws Exception {
        Path file = prunedStore(dir.resolve("usage.db"), 5000, 4000);
        garblePage(file, 1);
        onlyTheLast1000ComeBack(file);
    }

    /**
     * A copy taken while the server ran, just after retention: the freed pages are listed only in the write-ahead
     * log's copy of the header, which the pages are read with. (Opened as a store, SQLite would first fold the log
     * into the file when it closed.)
     */
    @Test
    void theFreelistIsTakenFromTheWriteAheadLogsNewerHeader() throws Exception {
        Path file = copiedWhileRunning(marked(5000), s -> assertEquals(4000, s.prune(4000 * 1000L)));
        try (PageSalvage found = PageSalvage.scan(file)) {
            assertEquals(marked(5000).subList(4000, 5000), found.events().rows(Long.MIN_VALUE, Long.MAX_VALUE,
                    Integer.MAX_VALUE).stream().map(PageSalvage.Row::value).toList());
        }
    }

    /** A change to an open store. */
    private interface Change {
        void apply(UsageStore s) throws Exception;
    }

    /**
     * A store holding {@code first}, then changed by {@code change} in a second session and copied, file and
     * write-ahead log, while that session runs (a backup, a sync): returns the copy's file.
     */
    private Path copiedWhileRunning(List<UsageEvent> first, Change change) throws Exception {
        Path running = Files.createDirectories(dir.resolve("running"));
        Path copy = Files.createDirectories(dir.resolve("copy"));
        try (UsageStore s = UsageStore.open(running.resolve("usage.db"))) {
            s.append(first);
        }
        try (UsageStore s = UsageStore.open(running.resolve("usage.db"))) {
            change.apply(s);
            for (String suffix : List.of("", "-wal")) {
                Files.copy(running.resolve("usage.db" + suffix), copy.resolve("usage.db" + suffix));
            }
        }
        return copy.resolve("usage.db");
    }

    private Path storeOf(List<UsageEvent> events) throws Exception {
        Path file = dir.resolve("usage.db");
        try (UsageStore s = UsageStore.open(file, ZoneOffset.UTC)) {
            s.append(events);
        }
        return file;
    }

    private static long rootPage(UsageStore s, String table) throws Exception {
        return s.query("SELECT rootpage FROM sqlite_master WHERE name = ?", List.of(table), rs -> rs.getLong(1));
    }
}
