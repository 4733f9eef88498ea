package dev.warmup.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every server of the user opens one store file (an editor window each, often started together, and not always of
 * the same version): none may set aside or replace the file another is using.
 */
class SharedStoreTest {
    @TempDir Path dir;

    @Test
    void serversStartedTogetherCreateOrMigrateTheStoreOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path fresh = dir.resolve("fresh-" + round).resolve("usage.db");
            Files.createDirectories(fresh.getParent());
            Path old = dir.resolve("old-" + round).resolve("usage.db");
            Files.createDirectories(old.getParent());
            firstSchemaFile(old);
            for (Path file : List.of(fresh, old)) {
                List<UsageStore> stores = openTogether(file, 3);
                try {
                    for (UsageStore s : stores) {
                        assertTrue(s.recoveryNote().isEmpty(), file + ": " + s.recoveryNote());
                        assertEquals(Schema.VERSION, (int) s.query("PRAGMA user_version", List.of(), rs -> rs.getInt(1)));
                    }
                    stores.get(0).append(List.of(UsageEvent.simple(5000, EventKind.MODEL_USED, null, "chat")));
                    assertEquals(file == old ? 2 : 1, stores.get(2).allEvents().size(), "one file, seen by all");
                } finally {
                    stores.forEach(UsageStore::close);
                }
                try (Stream<Path> files = Files.list(file.getParent())) {
                    assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("corrupt")), "nothing set aside");
                }
            }
        }
    }

    @Test
    void aStoreFromANewerServerIsLeftAsItIsAndHistoryIsKeptInMemory() throws Exception {
        Path file = dir.resolve("usage.db");
        firstSchemaFile(file);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = " + (Schema.VERSION + 1));
        }
        try (UsageStore s = UsageStore.open(file)) {
            String note = s.recoveryNote().orElseThrow();
            assertTrue(note.startsWith("WMP-7006") && note.contains("newer"), note);
            s.append(List.of(UsageEvent.simple(5000, EventKind.MODEL_USED, null, "chat")));
            assertEquals(1, s.allEvents().size(), "this session's history, in memory");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*), (SELECT user_version FROM pragma_user_version) FROM events")) {
            assertEquals(1, rs.getInt(1), "the newer server's history is untouched");
            assertEquals(Schema.VERSION + 1, rs.getInt(2));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("corrupt")), "nothing set aside");
        }
    }

    @Test
    void aStoreANewerServerMarkedUsableByThisOneIsUsedAsItIs() throws Exception {
        Path file = dir.resolve("usage.db");
        UsageStore.open(file).close(); // this version's schema
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE from_the_future(x INTEGER)"); // what the newer server added, only adding
            st.execute("INSERT INTO from_the_future VALUES (42)");
            st.execute("UPDATE meta SET value = '" + Schema.VERSION + "' WHERE key = '" + Schema.OLDEST_READER_KEY
                    + "'");
            st.execute("PRAGMA user_version = " + (Schema.VERSION + 1));
        }
        try (UsageStore s = UsageStore.open(file)) {
            assertEquals(Optional.empty(), s.recoveryNote());
            s.append(List.of(UsageEvent.simple(5000, EventKind.MODEL_USED, null, "chat")));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT (SELECT count(*) FROM events), (SELECT x FROM from_the_future),"
                     + " (SELECT user_version FROM pragma_user_version)")) {
            assertEquals(1, rs.getInt(1), "this server's history went to the file");
            assertEquals(42, rs.getInt(2), "and the newer server's table is as it was");
            assertEquals(Schema.VERSION + 1, rs.getInt(3), "not migrated down");
        }

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("UPDATE meta SET value = '" + (Schema.VERSION + 1) + "' WHERE key = '"
                    + Schema.OLDEST_READER_KEY + "'"); // a newer server that changed what this one relies on
        }
        try (UsageStore s = UsageStore.open(file)) {
            assertTrue(s.recoveryNote().orElseThrow().startsWith("WMP-7006"));
        }
    }

    /** A store as the first schema made it, with one event. */
    private static void firstSchemaFile(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode = WAL");
            for (String sql : Schema.MIGRATIONS.get(0)) {
                st.execute(sql);
            }
            st.execute("PRAGMA user_version = 1");
            st.execute("INSERT INTO events(at, kind, task) VALUES (1000, 'MODEL_USED', 'chat')");
        }
    }

    /** {@code n} stores opened on {@code file} at the same moment, each on a thread of its own. */
    private static List<UsageStore> openTogether(Path file, int n) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        List<CompletableFuture<UsageStore>> opening = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            opening.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return UsageStore.open(file);
            }, r -> new Thread(r).start()));
        }
        List<UsageStore> stores = new ArrayList<>();
        for (CompletableFuture<UsageStore> f : opening) {
            stores.add(f.get(60, TimeUnit.SECONDS));
        }
        return stores;
    }
}
