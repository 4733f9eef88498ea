package dev.warmup.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.warmup.server.LogCapture;
import dev.warmup.server.MutableClock;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreMaintenanceTest {
    @TempDir Path dir;

    /** The store's upkeep, for a server alone on it. */
    private static StoreMaintenance maintenance(UsageStore store, ConfigurationManager config, MutableClock clock,
                                                DataDirectory data) {
        return new StoreMaintenance(store, config, new ModelWarmupMetrics(clock, store, data), clock,
                new ModelOwners(store, new FakeProcesses(new ProcessIdentity(1, 1), new HashSet<>()), clock), data);
    }

    @Test
    void prunesEventsAndSnapshotsBeyondHistoryDaysForgetsExitedServersWantsAndSnapshotsMetrics() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        DataDirectory data = new DataDirectory(dir);
        try (UsageStore store = UsageStore.open(data.resolve("usage.db"))) {
            long old = clock.millis();
            store.append(List.of(UsageEvent.simple(old, EventKind.SAVE, null, null)));
            clock.advance(Duration.ofDays(10));
            store.append(List.of(UsageEvent.simple(clock.millis(), EventKind.SAVE, null, null)));
            ConfigurationManager config = new ConfigurationManager();
            config.apply(JsonParser.parseString("{\"historyDays\": 7}"));
            store.saveMetricsSnapshot(old, "{}");
            ProcessIdentity self = new ProcessIdentity(1001, 5);
            ProcessIdentity exited = new ProcessIdentity(1002, 5);
            Set<ProcessIdentity> running = new HashSet<>(Set.of(self, exited));
            new ModelOwners(store, new FakeProcesses(exited, running), clock).want("http://127.0.0.1:11434", "coder");
            ModelOwners owners = new ModelOwners(store, new FakeProcesses(self, running), clock);
            owners.want("http://127.0.0.1:11434", "big");
            running.remove(exited);
            var maintenance = new StoreMaintenance(store, config, new ModelWarmupMetrics(clock, store, data), clock,
                    owners, data);
            assertEquals(1, maintenance.runOnce());
            assertEquals(List.of("big"), store.query("SELECT model FROM model_wants", List.of(), rs -> {
                List<String> models = new ArrayList<>();
                while (rs.next()) {
                    models.add(rs.getString(1));
                }
                return models;
            }), "what the exited server wanted is forgotten, the running one's kept");
            assertEquals(1L, (long) store.query("SELECT count(*) FROM metrics_snapshots", List.of(),
                    rs -> rs.getLong(1)), "the snapshot older than historyDays went too");
            assertEquals(1, store.eventCount());
            assertEquals(2, store.eventsStoredTotal());
            assertTrue(store.latestMetricsSnapshot().orElseThrow().contains("\"eventsStored\":2"));
        }
    }

    @Test
    void damagedFilesSetAsideGoOnceEverythingInThemIsOlderThanHistoryDays() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        DataDirectory data = new DataDirectory(dir);
        try (UsageStore store = UsageStore.open(data.resolve("usage.db"))) {
            ConfigurationManager config = new ConfigurationManager();
            config.apply(JsonParser.parseString("{\"historyDays\": 7}"));
            Path old = Files.writeString(dir.resolve("usage.db.corrupt-2026-02-01T00-00-00Z"), "events of January");
            Path oldLog = Files.writeString(dir.resolve("usage.db-wal.corrupt-2026-02-01T00-00-00Z"), "and its log");
            Path recent = Files.writeString(dir.resolve("predictor.json.corrupt-2026-02-27T00-00-00Z"), "trees");
            Path salt = Files.writeString(dir.resolve("uri-salt.corrupt-2026-02-01T00-00-00Z"), "not history");
            for (Path p : List.of(old, oldLog, salt)) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(clock.millis() - Duration.ofDays(8).toMillis()));
            }
            Files.setLastModifiedTime(recent, FileTime.fromMillis(clock.millis() - Duration.ofDays(6).toMillis()));

            maintenance(store, config, clock, data).runOnce();
            assertFalse(Files.exists(old) || Files.exists(oldLog), "last written 8 days ago: kept for good before");
            assertTrue(Files.exists(recent), "6 days: not yet");
            assertTrue(Files.exists(salt), "a salt holds no history");
            clock.advance(Duration.ofDays(2));
            maintenance(store, config, clock, data).runOnce();
            assertFalse(Files.exists(recent));
        }
    }

    @Test
    void fewerHistoryDaysArePrunedAtOnceNotWithinTheHour() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        DataDirectory data = new DataDirectory(dir);
        try (UsageStore store = UsageStore.open(data.resolve("usage.db"))) {
            store.append(List.of(UsageEvent.simple(clock.millis(), EventKind.SAVE, null, null)));
            clock.advance(Duration.ofDays(10));
            store.append(List.of(UsageEvent.simple(clock.millis(), EventKind.SAVE, null, null)));
            ConfigurationManager config = new ConfigurationManager(); // 30 days
            try (var maintenance = maintenance(store, config, clock, data)) {
                maintenance.start(); // its first round a minute away
                config.apply(JsonParser.parseString("{\"historyDays\": 60}"));
                maintenance.settled().get(30, TimeUnit.SECONDS);
                assertEquals(2, store.eventCount(), "more days kept: nothing to prune");
                config.apply(JsonParser.parseString("{\"historyDays\": 7}"));
                maintenance.settled().get(30, TimeUnit.SECONDS);
                assertEquals(1, store.eventCount(), "the event 10 days old went at once");
            }
        }
    }

    @Test
    void theFreePagesOfAFileWrittenBeforeDeletesWereSecureAreRewrittenOnce() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        DataDirectory data = new DataDirectory(dir);
        Path file = data.resolve("usage.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement st = c.createStatement()) { // as a server before secure_delete wrote it
            Schema.migrate(c);
            for (int i = 0; i < 2000; i++) {
                st.execute("INSERT INTO events(at, kind, detail) VALUES (" + i + ", 'ACTIVITY', 'mark-" + i + "')");
            }
            st.execute("DELETE FROM events"); // retention, then: the rows stay on the freed pages
        }
        assertTrue(DamagedFiles.holds(file, "mark-1999"));
        try (UsageStore store = UsageStore.open(file)) {
            var maintenance = maintenance(store, new ConfigurationManager(), clock, data);
            maintenance.runOnce();
            assertEquals(String.valueOf(clock.millis()), store.meta(StoreMaintenance.SCRUBBED).orElseThrow());
            clock.advance(Duration.ofHours(1));
            maintenance.runOnce();
            assertEquals(String.valueOf(clock.millis() - 3_600_000), store.meta(StoreMaintenance.SCRUBBED)
                    .orElseThrow(), "once");
        }
        assertTrue(!DamagedFiles.holds(file, "mark-"), "rewritten without them");
    }

    @Test
    void aRoundThatFailsUnexpectedlyIsLoggedWithItsCodeInsteadOfEndingEveryLaterRound() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        DataDirectory data = new DataDirectory(dir);
        try (LogCapture logged = new LogCapture(StoreMaintenance.class);
             UsageStore store = UsageStore.open(data.resolve("usage.db"))) {
            ProcessIdentity self = new ProcessIdentity(1001, 5);
            ProcessTable failing = new ProcessTable() {
                @Override
                public ProcessIdentity self() {
                    return self;
                }

                @Override
                public boolean alive(ProcessIdentity p) {
                    throw new UnsupportedOperationException("no process table here");
                }
            };
            new ModelOwners(store, failing, clock).want("http://127.0.0.1:11434", "coder");
            var maintenance = new StoreMaintenance(store, new ConfigurationManager(), new ModelWarmupMetrics(clock,
                    store, data), clock, new ModelOwners(store, failing, clock), data);
            assertEquals(0, maintenance.runOnce(), "a scheduled run that throws ends every later one");
            assertEquals(List.of("WMP-8007 Internal error: store maintenance: java.lang.UnsupportedOperationException:"
                    + " no process table here"), logged.messages);
        }
    }
}
