package dev.warmup.server.store;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.sqlite.SQLiteConfig;

/**
 * The embedded SQLite store (WAL) for usage events, daily aggregates, metrics snapshots, meta values and the
 * {@link ModelOwners}. One connection, used under this object's lock; events are written in batches from the event
 * pipeline's thread. Every server of the user opens the same file (one per editor window). A damaged file is moved
 * aside (WMP-7001) and a fresh store started with what can be read of it ({@link StoreDamage});
 * {@link #recoveryNote()} says so.
 */
public final class UsageStore implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(UsageStore.class.getName());
    /** Events read at a time by {@link #events(long, long, Consumer)}. */
    static final int PAGE = 10_000;
    static final String STORED_TOTAL = "events_stored_total"; // meta key: events ever stored in this file
    /** Meta key: when the history was last forgotten ({@link HistoryEraser}), epoch ms. */
    static final String FORGOTTEN_AT = "history_forgotten_at";

    private final Path file;
    private final ZoneId zone; // whose calendar the daily counts follow
    private Connection connection;
    private String recoveryNote;

    private UsageStore(Path file, ZoneId zone) {
        this.file = file;
        this.zone = zone;
    }

    /**
     * Opens (or creates) the store at {@code file}; a damaged file is set aside and replaced (WMP-7001). One that is
     * not damaged but cannot be used (written by a newer server, locked past the busy timeout, not writable) is left
     * as it is, for the other servers that may be using it, and this server keeps its history in memory (WMP-7006).
     * Uses are counted by the days of this machine's calendar (its default time zone).
     */
    public static UsageStore open(Path file) {
        return open(file, ZoneId.systemDefault());
    }

    /** As {@link #open(Path)}, counting uses by the days of {@code zone}'s calendar. */
    public static UsageStore open(Path file, ZoneId zone) {
        UsageStore store = new UsageStore(file, zone);
        try {
            store.connect();
        } catch (SQLException e) {
            store.closeQuietly();
            if (!StoreDamage.isDamage(e)) {
                store.recoveryNote = new WarmupException(ErrorCode.WMP_7006, file + " cannot be used ("
                        + e.getMessage() + "); this server keeps its history in memory until it restarts")
                        .getMessage();
                LOG.warning(store.recoveryNote);
                try {
                    store.connection = DriverManager.getConnection("jdbc:sqlite::memory:");
                    Schema.migrate(store.connection);
                } catch (SQLException again) {
                    throw new WarmupException(ErrorCode.WMP_7002, "cannot start an in-memory store", again);
                }
                return store;
            }
            Path aside = StoreDamage.moveAside(file);
            try {
                store.connect();
            } catch (SQLException again) {
                throw new WarmupException(ErrorCode.WMP_7002, "cannot create a fresh store at " + file, again);
            }
            store.recoveryNote = StoreDamage.readBack(file, e, aside, store);
            LOG.warning(store.recoveryNote);
        }
        return store;
    }

    /** Daily counts read back from a damaged file: each replaces this store's where it is higher. */
    synchronized void mergeDailyCounts(List<StoreSalvage.DailyCount> batch) throws SQLException {
        inTransaction(() -> {
            try (PreparedStatement p = connection().prepareStatement(
                    "INSERT INTO daily_aggregates(" + EventRows.DAILY_COLUMNS + ") VALUES (?,?,?,?,?) ON CONFLICT("
                            + EventRows.DAILY_KEY + ") DO UPDATE SET count = max(count, excluded.count)")) {
                for (StoreSalvage.DailyCount d : batch) {
                    p.setString(1, d.day());
                    p.setString(2, d.kind());
                    p.setString(3, d.task());
                    p.setString(4, d.model());
                    p.setLong(5, d.count());
                    p.addBatch();
                }
                p.executeBatch();
            }
        });
    }

    private void inTransaction(Transactions.SqlAction work) throws SQLException {
        Transactions.run(connection(), work);
    }

    private void connect() throws SQLException {
        connection = StoreFile.open(file);
    }

    /** The WMP-7001 message if this store replaced a damaged file, else empty. */
    public Optional<String> recoveryNote() {
        return Optional.ofNullable(recoveryNote);
    }

    public Path file() {
        return file;
    }

    /**
     * Appends a batch in one transaction and updates the daily aggregates and the all-time counter. Events timed
     * before the history was last forgotten ({@link #historyForgottenAt}) are not stored: they belong to what was
     * forgotten (another server's, waiting for the store when this one's history was erased, or a use reported late).
     */
    public synchronized void append(List<UsageEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        inTransaction(() -> {
            long forgotten = historyForgottenAt();
            List<UsageEvent> batch = forgotten == 0 ? events
                    : events.stream().filter(e -> e.at() >= forgotten).toList();
            if (batch.isEmpty()) {
                return;
            }
            try (PreparedStatement ins = connection().prepareStatement(EventRows.INSERT);
                 PreparedStatement agg = connection().prepareStatement(EventRows.COUNT_DAY);
                 PreparedStatement total = connection().prepareStatement(
                    "INSERT INTO meta(key, value) VALUES ('" + STORED_TOTAL + "', ?) ON CONFLICT(key)"
                            + " DO UPDATE SET value = CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER)")) {
                for (UsageEvent e : batch) {
                    EventRows.bind(ins, e);
                    ins.addBatch();
                    EventRows.bindDay(agg, e, zone);
                    agg.addBatch();
                }
                ins.executeBatch();
                agg.executeBatch();
                total.setString(1, Long.toString(batch.size()));
                total.executeUpdate();
            }
        });
    }

    /** Events ever stored in this file, across restarts (not reduced by retention). */
    public synchronized long eventsStoredTotal() throws SQLException {
        return meta(STORED_TOTAL).map(Long::parseLong).orElse(0L);
    }

    /** Events currently held (after retention). */
    public long eventCount() throws SQLException {
        return query("SELECT count(*) FROM events", List.of(), rs -> rs.getLong(1));
    }

    /**
     * Streams the events with {@code from <= at < to}, oldest first, to {@code sink}, {@value #PAGE} at a time: the
     * store is held for a page's read, never while {@code sink} works (the event pipeline writes meanwhile), and only
     * a page is in memory (a month of typing can be millions of events, more than the server's heap holds). Events of
     * a kind this server does not know (a newer server's, sharing the file) are left out, said (WMP-7004) and kept.
     */
    public void events(long from, long to, Consumer<UsageEvent> sink) throws SQLException {
        events(from, to, PAGE, sink);
    }

    /** As {@link #events(long, long, Consumer)}, in pages of {@code pageSize} (tests). */
    void events(long from, long to, int pageSize, Consumer<UsageEvent> sink) throws SQLException {
        EventPages.read(this, this::connection, from, to, pageSize, sink);
    }

    /**
     * Every event of the store at {@code file}, oldest first, read without writing to it (no migration, no checks,
     * no damaged file moved aside: the editors' servers may be using it); for tools such as the {@code export}
     * command.
     */
    public static void readEvents(Path file, Consumer<UsageEvent> sink) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties())) {
            EventPages.read(new Object(), () -> c, Long.MIN_VALUE, Long.MAX_VALUE, PAGE, sink);
        }
    }

    /** The time of the latest event stored, if any. */
    public OptionalLong latestEventAt() throws SQLException {
        return query("SELECT MAX(at) FROM events", List.of(), rs -> { // one row, NULL when there are none
            long at = rs.next() ? rs.getLong(1) : 0;
            return at == 0 && rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(at);
        });
    }

    /**
     * Where the latest {@code n} events begin: the millisecond after the latest event not among them (so that a
     * read from there holds at most {@code n}), or {@link Long#MIN_VALUE} when the store holds no more than {@code n}.
     */
    public long afterAllButLatest(int n) throws SQLException {
        return query("SELECT at FROM events ORDER BY at DESC, id DESC LIMIT 1 OFFSET ?", List.of(n),
                rs -> rs.next() ? rs.getLong(1) + 1 : Long.MIN_VALUE);
    }

    /**
     * Whether a use of {@code model} (reported or inferred, by any window's server) is stored later than
     * {@code after} (a use inferred at a reading is dated that reading: a request seen at the next one is another).
     */
    public boolean modelUsedAfter(String model, long after) throws SQLException {
        return query("SELECT 1 FROM events WHERE at > ? AND kind = 'MODEL_USED' AND model = ? LIMIT 1",
                List.of(after, model), ResultSet::next);
    }

    /**
     * Whether a use of {@code model} reported by an editor (not inferred) to any window's server is stored at
     * {@code since} or later.
     */
    public boolean modelReportedSince(String model, long since) throws SQLException {
        return query("SELECT 1 FROM events WHERE at >= ? AND kind = 'MODEL_USED' AND model = ? AND detail IS NULL"
                + " LIMIT 1", List.of(since, model), ResultSet::next);
    }

    /**
     * Claims for this server a use of {@code model} that happened after {@code after} and was seen at
     * {@code seenAt} on the model server, unless some server (another editor window's, sharing this file) claimed
     * one seen later than {@code after}, which is the same request: false then (one seen at {@code after} itself
     * was seen at that reading, before this request). One statement, so atomic across the servers: the use itself
     * reaches the events table later, with the event pipeline's next batch, too late for the other window's
     * {@link #modelUsedAfter} to see it.
     */
    public boolean claimInferredUse(String model, long after, long seenAt) throws SQLException {
        return update("INSERT INTO inferred_claims(model, seen_at) VALUES (?, ?) ON CONFLICT(model)"
                + " DO UPDATE SET seen_at = excluded.seen_at WHERE inferred_claims.seen_at <= ?",
                List.of(model, seenAt, after)) > 0;
    }

    /** All events, oldest first (for training and export). */
    public List<UsageEvent> allEvents() throws SQLException {
        List<UsageEvent> out = new ArrayList<>();
        events(Long.MIN_VALUE, Long.MAX_VALUE, out::add);
        return out;
    }

    /**
     * Deletes raw events and metrics snapshots older than {@code cutoffMillis}; aggregates stay. Returns the number of
     * events deleted.
     */
    public synchronized int prune(long cutoffMillis) throws SQLException {
        // an hourly snapshot per running server: as old as the events kept, no older
        update("DELETE FROM metrics_snapshots WHERE at < ?", List.of(cutoffMillis));
        return update("DELETE FROM events WHERE at < ?", List.of(cutoffMillis));
    }

    /** When the history was last forgotten ({@link HistoryEraser}), by any server using this file; 0: never. */
    public synchronized long historyForgottenAt() throws SQLException {
        return meta(FORGOTTEN_AT).map(Long::parseLong).orElse(0L);
    }

    /** Runs {@code work}, which may use this store's other methods, in one transaction under the store's lock. */
    synchronized void transaction(Transactions.SqlAction work) throws SQLException {
        inTransaction(work);
    }

    public void saveMetricsSnapshot(long at, String json) throws SQLException {
        update("INSERT OR REPLACE INTO metrics_snapshots(at, json) VALUES (?, ?)", List.of(at, json));
    }

    /** The latest metrics snapshot, if any. */
    public Optional<String> latestMetricsSnapshot() throws SQLException {
        return query("SELECT json FROM metrics_snapshots ORDER BY at DESC LIMIT 1", List.of(), UsageStore::first);
    }

    public Optional<String> meta(String key) throws SQLException {
        return query("SELECT value FROM meta WHERE key = ?", List.of(key), UsageStore::first);
    }

    /** The first column of the first row, if there is a row. */
    private static Optional<String> first(ResultSet rs) throws SQLException {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }

    public void putMeta(String key, String value) throws SQLException {
        update("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                List.of(key, value));
    }

    /** Runs a read-only query under the store's lock (for statistics). */
    public synchronized <T> T query(String sql, List<Object> args, SqlFunction<ResultSet, T> reader) throws SQLException {
        try (PreparedStatement q = prepare(sql, args)) {
            try (ResultSet rs = q.executeQuery()) {
                return reader.apply(rs);
            }
        }
    }

    /** Runs one write statement under the store's lock; returns the rows it changed. */
    public synchronized int update(String sql, List<Object> args) throws SQLException {
        try (PreparedStatement u = prepare(sql, args)) {
            return u.executeUpdate();
        }
    }

    private PreparedStatement prepare(String sql, List<Object> args) throws SQLException {
        PreparedStatement p = connection().prepareStatement(sql);
        try {
            for (int i = 0; i < args.size(); i++) {
                p.setObject(i + 1, args.get(i));
            }
        } catch (SQLException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** A function that may throw SQLException. */
    @FunctionalInterface
    public interface SqlFunction<A, B> {
        B apply(A a) throws SQLException;
    }

    /** The connection, or an SQLException once the store is closed (a late caller at exit gets an error it handles). */
    private Connection connection() throws SQLException {
        Connection c = connection;
        if (c == null) {
            throw new SQLException("the usage store is closed");
        }
        return c;
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // closing a broken connection
        }
        connection = null;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            } catch (SQLException e) {
                LOG.fine("checkpoint on close failed: " + e.getMessage());
            }
        }
        closeQuietly();
    }
}
