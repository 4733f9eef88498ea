package dev.warmup.server.store;

import static dev.warmup.server.store.DamagedFiles.garble;
import static dev.warmup.server.store.DamagedFiles.garblePageHolding;
import static dev.warmup.server.store.DamagedFiles.holds;
import static dev.warmup.server.store.DamagedFiles.indexOf;
import static dev.warmup.server.store.DamagedFiles.marked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class UsageStoreTest {
    @TempDir Path dir;

    private static UsageEvent event(long at, String task) {
        return UsageEvent.simple(at, task == null ? EventKind.CHANGE : EventKind.MODEL_USED, null, task);
    }

    @Test
    void aClosedStoreAnswersWithAnSqlException() throws Exception { // as a late caller at exit finds it
        UsageStore s = UsageStore.open(dir.resolve("usage.db"));
        s.append(List.of(event(1000, null)));
        s.close();
        for (Executable call : List.<Executable>of(s::eventCount, s::eventsStoredTotal, s::allEvents,
                () -> s.append(List.of(event(2000, null))))) {
            SQLException e = assertThrows(SQLException.class, call);
            assertEquals("the usage store is closed", e.getMessage());
        }
    }

    @Test
    void eventsOfAKindThisServerDoesNotKnowAreLeftOutOfReadsSaidAndKeptInTheStore() throws Exception {
        try (UsageStore s = UsageStore.open(dir.resolve("usage.db"));
             dev.warmup.server.LogCapture logged = new dev.warmup.server.LogCapture(UsageStore.class)) {
            s.append(List.of(event(1000, null), event(3000, "chat")));
            try (java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:"
                    + dir.resolve("usage.db")); java.sql.Statement st = other.createStatement()) { // a newer server
                st.execute("INSERT INTO events(at, kind) VALUES (2000, 'VOICE_COMMAND'), (2500, 'VOICE_COMMAND')");
            }
            assertEquals(List.of(1000L, 3000L), s.allEvents().stream().map(UsageEvent::at).toList());
            assertEquals(List.of("WMP-7004 Usage store read failed: 2 stored events of kinds this server does not"
                    + " know, left out of what it read (a newer server's? they stay in the store): {VOICE_COMMAND=2}"),
                    logged.messages);
            assertEquals(4, s.eventCount(), "kept");
        }
    }

    @Test
    void readInPagesEveryEventComesOnceInOrderAcrossPagesThatSplitAMillisecond() throws Exception {
        try (UsageStore s = UsageStore.open(dir.resolve("usage.db"))) {
            List<UsageEvent> stored = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                stored.add(UsageEvent.simple(1000 + i / 4 * 10, EventKind.COMMAND, "c" + i, null)); // 4 a millisecond
            }
            s.append(stored);
            List<String> read = new ArrayList<>();
            s.events(Long.MIN_VALUE, Long.MAX_VALUE, 3, e -> read.add(e.detail()));
            assertEquals(stored.stream().map(UsageEvent::detail).toList(), read, "pages of 3 over runs of 4");
            List<String> part = new ArrayList<>();
            s.events(1010, 1030, 5, e -> part.add(e.detail()));
            assertEquals(List.of("c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11"), part, "from <= at < to");
            List<String> exact = new ArrayList<>();
            s.events(Long.MIN_VALUE, Long.MAX_VALUE, 25, e -> exact.add(e.detail()));
            assertEquals(25, exact.size(), "a last page exactly full, then an empty one");
            assertEquals(Long.MIN_VALUE, s.afterAllButLatest(25), "no more than 25");
            assertEquals(1051, s.afterAllButLatest(4), "the latest 4 would split 1050's four: from 1051, 1060's one only");
            assertEquals(1041, s.afterAllButLatest(5), "1050's 4 and 1060's 1");
        }
    }

    @Test
    void historySurvivesARestart() throws Exception {
        Path file = dir.resolve("usage.db");
        try (UsageStore s = UsageStore.open(file)) {
            s.append(List.of(event(1000, null), event(2000, "chat")));
        }
        try (UsageStore s = UsageStore.open(file)) {
            assertTrue(s.recoveryNote().isEmpty());
            assertEquals(2, s.eventsStoredTotal());
            s.append(List.of(event(3000, "completion")));
            List<UsageEvent> all = s.allEvents();
            assertEquals(3, all.size());
            assertEquals("chat", all.get(1).task());
            assertEquals(3, s.eventsStoredTotal());
        }
    }

    @Test
    void aFileOfTheFirstSchemaIsMigratedWithItsHistory() throws Exception {
        Path file = dir.resolve("usage.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement st = c.createStatement()) { // as a server before the model owners wrote it
            for (String sql : Schema.MIGRATIONS.get(0)) {
                st.execute(sql);
            }
            st.execute("PRAGMA user_version = 1");
            st.execute("INSERT INTO events(at, kind, task) VALUES (1000, 'MODEL_USED', 'chat')");
        }
        try (UsageStore s = UsageStore.open(file)) {
            assertTrue(s.recoveryNote().isEmpty(), "migrated, not set aside");
            assertEquals("chat", s.allEvents().get(0).task());
            assertEquals(Schema.VERSION, (int) s.query("PRAGMA user_version", List.of(), rs -> rs.getInt(1)));
            assertEquals(1, s.update("INSERT INTO model_owners(server, model, pid, started, at) VALUES (?,?,?,?,?)",
                    List.of("http://127.0.0.1:11434", "coder", 1, 1, 1)));
        }
    }

    @Test
    void forgottenHistoryIsGoneFromTheTablesAndFromTheFile() throws Exception {
        Path file = dir.resolve("usage.db");
        try (UsageStore s = UsageStore.open(file)) {
            s.append(marked(3000));
            s.append(List.of(event(3_000_000, "chat")));
            s.saveMetricsSnapshot(3_000_000, "{\"events\": 3001}");
            assertEquals(0, s.historyForgottenAt());
            assertEquals(new HistoryEraser.Erased(3001, 2, 1, null), HistoryEraser.erase(s, 4_000_000));
            assertEquals(0, s.eventCount());
            assertEquals(0L, (long) s.query("SELECT count(*) FROM daily_aggregates", List.of(), rs -> rs.getLong(1)));
            assertTrue(s.latestMetricsSnapshot().isEmpty());
            assertEquals(4_000_000, s.historyForgottenAt());
            s.append(List.of(event(3_999_999, "chat"), event(5_000_000, "chat"))); // it records on, not what came before
            assertEquals(1, s.eventsStoredTotal());
        }
        for (String suffix : List.of("", "-wal")) {
            Path f = Path.of(file + suffix);
            assertFalse(Files.exists(f) && holds(f, "mark-"), f.toString());
        }
        try (UsageStore s = UsageStore.open(file)) {
            assertEquals(List.of(event(5_000_000, "chat")), s.allEvents());
            assertEquals(4_000_000, s.historyForgottenAt());
        }
    }

    @Test
    void whatRetentionDeletesIsOverwrittenInTheFile() throws Exception {
        Path file = DamagedFiles.prunedStore(dir.resolve("usage.db"), 3000, 2000);
        assertFalse(holds(file, "mark-01999"), "deleted, and overwritten");
        assertTrue(holds(file, "mark-02000"), "kept");
    }

    @Test
    void retentionDropsRawEventsButKeepsAggregatesAndTheTotal() throws Exception {
        try (UsageStore s = UsageStore.open(dir.resolve("usage.db"))) {
            s.append(List.of(event(1000, "chat"), event(90_000_000, "chat")));
            assertEquals(1, s.prune(50_000_000));
            assertEquals(1, s.eventCount());
            assertEquals(2, s.eventsStoredTotal());
            long aggregated = s.query("SELECT sum(count) FROM daily_aggregates WHERE task = 'chat'", List.of(),
                    rs -> rs.getLong(1));
            assertEquals(2, aggregated);
        }
    }

    @Test
    void aDamagedStoreIsSetAsideAndAFreshOneStarted() throws Exception {
        Path file = dir.resolve("usage.db");
        Files.write(file, "this is not a database, it is garbage that fills a page.".repeat(200).getBytes());
        try (UsageStore s = UsageStore.open(file)) {
            assertTrue(s.recoveryNote().orElseThrow().startsWith("WMP-7001"));
            s.append(List.of(event(1, null)));
            assertEquals(1, s.eventCount());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("usage.db.corrupt-")));
        }
    }

    @Test
    void aDamagedStoreKeepsTheEventsThatCanStillBeRead() throws Exception {
        Path file = storeOfMarked(5000);
        garblePageHolding(file, "mark-02500"); // one page of the events table
        try (UsageStore s = UsageStore.open(file)) {
            String note = s.recoveryNote().orElseThrow();
            assertTrue(note.startsWith("WMP-7001"), note);
            List<String> kept = s.allEvents().stream().map(UsageEvent::detail).toList();
            assertTrue(kept.contains("mark-00000") && kept.contains("mark-04999"), "before and after the bad page");
            assertFalse(kept.contains("mark-02500"), "on it");
            assertTrue(kept.size() > 4500 && kept.size() < 5000, kept.size() + " events read back");
            assertTrue(note.contains("; " + kept.size() + " events and 1 daily count read back from it"), note);
            assertEquals(kept.stream().sorted().toList(), kept, "in their order");
        }
    }

    @Test
    void aDamagedStoreHoldingEventsOfAKindThisServerDoesNotKnowIsSalvagedAllTheSame() throws Exception {
        Path file = storeOfMarked(5000);
        try (java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement st = other.createStatement()) { // as a newer server sharing the file would write
            st.execute("INSERT INTO events(at, kind, detail) VALUES (4999500, 'VOICE_COMMAND', 'newer')");
        }
        garblePageHolding(file, "mark-02500");
        try (UsageStore s = UsageStore.open(file)) { // threw a NullPointerException before, salvaging
            String note = s.recoveryNote().orElseThrow();
            assertTrue(note.startsWith("WMP-7001"), note);
            List<String> kept = s.allEvents().stream().map(UsageEvent::detail).toList();
            assertTrue(kept.contains("mark-00000") && kept.contains("mark-04999"), "before and after the bad page");
            assertFalse(kept.contains("newer"), "a fresh store of this server cannot hold it");
            assertTrue(note.contains("; " + kept.size() + " events and 1 daily count read back from it"), note);
        }
    }

    @Test
    void aStoreCutShortKeepsTheEventsBeforeTheCut() throws Exception {
        Path file = storeOfMarked(5000);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length * 3 / 5 + 123)); // a copy broken off
        try (UsageStore s = UsageStore.open(file)) { // SQLite refused the whole file: nothing came back
            String note = s.recoveryNote().orElseThrow();
            List<String> kept = s.allEvents().stream().map(UsageEvent::detail).toList();
            assertTrue(kept.contains("mark-00000"), "the oldest, near the start of the file");
            assertTrue(kept.size() > 1000 && kept.size() < 5000, kept.size() + " events read back");
            assertTrue(note.contains("; " + kept.size() + " events"), note);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("usage.db", "usage.db.corrupt-"), files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith("-wal") && !n.endsWith("-shm"))
                    .map(n -> n.replaceAll("corrupt-.*", "corrupt-")).sorted().toList(), "the padded copy is gone");
        }
    }

    /**
     * The lowest id of the events table garbled (its row now out of order): every event still comes back, the
     * garbled row under its garbled id. (SQLite reads the range of ids through an index, whose ids are intact.)
     */
    @Test
    void aGarbledLowestIdDoesNotHideTheEventsAfterIt() throws Exception {
        Path file = storeOfMarked(5000);
        byte[] bytes = Files.readAllBytes(file);
        int page = indexOf(bytes, "mark-00000".getBytes(StandardCharsets.US_ASCII)) / 4096 * 4096;
        assertEquals(13, bytes[page], "a table's leaf page");
        int cell = page + ((bytes[page + 8] & 0xff) << 8 | bytes[page + 9] & 0xff); // its first, the lowest id
        assertEquals(1, bytes[cell + 1], "id 1, after the one-byte payload size");
        bytes[cell + 1] = 100; // now out of order: SQLite's lowest id reads 100
        Files.write(file, bytes);
        try (UsageStore s = UsageStore.open(file)) {
            assertTrue(s.recoveryNote().orElseThrow().startsWith("WMP-7001"));
            List<String> kept = s.allEvents().stream().map(UsageEvent::detail).toList();
            for (int i = 0; i < 5000; i++) {
                assertTrue(kept.contains(String.format("mark-%05d", i)), i + " read back");
            }
        }
    }

    /**
     * After years of retention the ids left are far above the rows the file could hold. With the index that gives
     * the range of ids garbled, the range comes from the count of events ever stored: the rows lie just below it.
     */
    @Test
    void eventsWithIdsFarAboveWhatTheFileHoldsAreReadBackWhenTheirRangeIsUnreadable() throws Exception {
        Path file = dir.resolve("usage.db");
        long indexRoot;
        try (UsageStore s = UsageStore.open(file)) {
            s.append(List.of(event(1, "chat"))); // sets the count of events ever stored, then:
            for (int i = 0; i < 1000; i++) { // what is left of 1,001,000 events, their ids as they came
                s.update("INSERT INTO events(id, at, kind, detail) VALUES (?, ?, 'ACTIVITY', ?)",
                        List.of(1_000_000L + i, 1000L * i, String.format("mark-%05d", i)));
            }
            s.update("DELETE FROM events WHERE id < 1000000", List.of());
            s.update("UPDATE meta SET value = '1001000' WHERE key = 'events_stored_total'", List.of());
            indexRoot = s.query("SELECT rootpage FROM sqlite_master WHERE name = 'events_at'", List.of(),
                    rs -> rs.getLong(1));
        }
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length / 8 < 1_000_000, "the file could not hold a million rows");
        garble(bytes, (int) (indexRoot - 1) * 4096);
        Files.write(file, bytes);
        try (UsageStore s = UsageStore.open(file)) {
            assertTrue(s.recoveryNote().orElseThrow().startsWith("WMP-7001"));
            assertEquals(1000, s.eventCount(), "all of them, from the top down");
        }
    }

    @Test
    void aDamagedStoreKeepsItsDailyCountsOfEventsPrunedOrLost() throws Exception {
        Path file = dir.resolve("usage.db");
        long day = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();
        try (UsageStore s = UsageStore.open(file, ZoneOffset.UTC)) {
            s.append(List.of(event(day, "chat"), event(day + 60_000, "chat")));
            assertEquals(2, s.prune(day + 86_400_000L), "retention took the events, not their count");
            s.append(marked(5000)); // all on 1970-01-01
        }
        garblePageHolding(file, "mark-02500");
        try (UsageStore s = UsageStore.open(file, ZoneOffset.UTC)) {
            assertTrue(s.recoveryNote().orElseThrow().contains(" and 2 daily counts read back"),
                    s.recoveryNote().orElseThrow());
            assertTrue(s.eventCount() < 5000, "a page of events lost");
            assertEquals(2, dailyCount(s, "2026-03-02", "MODEL_USED"), "counted before the events were pruned");
            assertEquals(5000, dailyCount(s, "1970-01-01", "ACTIVITY"), "counted before the page was lost");
        }
    }

    private static long dailyCount(UsageStore s, String day, String kind) throws Exception {
        return s.query("SELECT sum(count) FROM daily_aggregates WHERE day = ? AND kind = ?", List.of(day, kind),
                rs -> rs.getLong(1));
    }

    @Test
    void aStoreWhoseHeaderGivesANegativeSchemaVersionIsDamagedNotAnError() throws Exception {
        Path file = dir.resolve("usage.db");
        try (UsageStore s = UsageStore.open(file)) {
            s.append(List.of(event(1000, "chat")));
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[60] = (byte) 0xf6; // the header's user_version, big-endian, now negative
        Files.write(file, bytes);
        try (UsageStore s = UsageStore.open(file)) { // threw ArrayIndexOutOfBoundsException: the server did not start
            String note = s.recoveryNote().orElseThrow();
            assertTrue(note.startsWith("WMP-7001") && note.contains("; 1 event and 1 daily count read back"), note);
            assertEquals("chat", s.allEvents().get(0).task());
        }
    }

    /**
     * A store damaged anywhere (each of the 100 header bytes with its top bit flipped, then 60 seeded cases of bytes
     * overwritten, a page overwritten, the file cut short) still opens into a store that records: the server must
     * start whatever the file holds.
     */
    @Test
    void aStoreDamagedAnywhereStillOpensAndRecords() throws Exception {
        Path good = dir.resolve("good.db");
        List<UsageEvent> written = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            written.add(UsageEvent.simple(1000L * i, EventKind.ACTIVITY, "caretMoved", i % 3 == 0 ? "chat" : null));
        }
        try (UsageStore s = UsageStore.open(good)) {
            s.append(written);
        }
        byte[] original = Files.readAllBytes(good);
        for (int seed = 0; seed < 160; seed++) {
            java.util.Random r = new java.util.Random(seed);
            byte[] b = original.clone();
            if (seed < 100) {
                b[seed] ^= (byte) 0x80;
            } else if (seed % 3 == 0) {
                int at = r.nextInt(b.length);
                for (int k = at; k < Math.min(b.length, at + 64); k++) {
                    b[k] = (byte) r.nextInt(256);
                }
            } else if (seed % 3 == 1) {
                int page = 1 + r.nextInt(b.length / 4096 - 1);
                for (int k = 0; k < 4096; k++) {
                    b[page * 4096 + k] = (byte) r.nextInt(256);
                }
            } else {
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            Path file = dir.resolve("damaged-" + seed + ".db");
            Files.write(file, b);
            try (UsageStore s = UsageStore.open(file)) {
                String note = s.recoveryNote().orElse("");
                assertTrue(note.isEmpty() || note.startsWith("WMP-7001") || note.startsWith("WMP-7006"),
                        "seed " + seed + ": " + note);
                long before = s.eventCount();
                try {
                    s.append(List.of(event(9_000_000, "chat")));
                } catch (java.sql.SQLException e) {
                    throw new AssertionError("seed " + seed + " (" + note + "): " + e.getMessage(), e);
                }
                assertEquals(before + 1, s.eventCount(), "seed " + seed + " records");
            }
        }
    }

    /** Before, the read-back walked 2048 ids at a time up to Long.MAX_VALUE and round again, for ever, at start. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDamagedStoreWithAnIdNearTheTopOfTheRangeIsReadBackInTime() throws Exception {
        Path file = dir.resolve("usage.db");
        try (UsageStore s = UsageStore.open(file)) {
            s.append(marked(3000));
            s.update("INSERT INTO events(id, at, kind) VALUES (?, ?, 'ACTIVITY')", List.of(Long.MAX_VALUE - 5, 1L));
        }
        garblePageHolding(file, "mark-01500");
        try (UsageStore s = UsageStore.open(file)) {
            assertTrue(s.recoveryNote().orElseThrow().startsWith("WMP-7001"));
            long kept = s.eventCount();
            assertTrue(kept > 2500 && kept < 3000, kept + " events read back");
        }
    }

    /** A closed store, usage.db in the test's directory, holding {@link #marked} {@code n}. */
    private Path storeOfMarked(int n) throws Exception {
        Path file = dir.resolve("usage.db");
        try (UsageStore s = UsageStore.open(file)) {
            s.append(marked(n));
        }
        return file;
    }

    @Test
    void dataFilesAreReadableByTheUserOnly() throws Exception {
        DataDirectory d = new DataDirectory(dir.resolve("data"));
        try (UsageStore s = UsageStore.open(d.resolve("usage.db"))) {
            s.append(List.of(event(1, null)));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.root())));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve("usage.db"))));
    }

    @Test
    void defaultDataDirectoryFollowsTheOs() {
        assertEquals(Optional.of(Path.of("/x/warmup")), DataDirectory.defaultPath(Map.of("XDG_DATA_HOME", "/x"),
                "Linux", "/home/u"));
        assertEquals(Optional.of(Path.of("/home/u/.local/share/warmup")), DataDirectory.defaultPath(Map.of(),
                "Linux", "/home/u"));
        assertEquals(Optional.of(Path.of("/Users/u/Library/Application Support/warmup")),
                DataDirectory.defaultPath(Map.of(), "Mac OS X", "/Users/u"));
    }

    /** Never a relative folder, which would be the editor's working folder: the project. */
    @Test
    void withoutAnAbsoluteHomeThereIsNoDefaultDataDirectory() {
        assertEquals(Optional.empty(), DataDirectory.defaultPath(Map.of(), "Linux", "?")); // no passwd entry
        assertEquals(Optional.of(Path.of("/home/u/.local/share/warmup")), DataDirectory.defaultPath(
                Map.of("HOME", "/home/u"), "Linux", "?"));
        assertEquals(Optional.of(Path.of("/home/u/.local/share/warmup")), DataDirectory.defaultPath(
                Map.of("XDG_DATA_HOME", "data"), "Linux", "/home/u")); // a relative one is ignored
        assertEquals(Optional.empty(), DataDirectory.defaultPath(Map.of("XDG_DATA_HOME", "data", "HOME", "."),
                "Linux", "?"));
        assertEquals(Optional.empty(), DataDirectory.defaultPath(Map.of(), "Mac OS X", ""));
    }
}
