package dev.warmup.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The store's schema, as an ordered list of migrations; {@code PRAGMA user_version} records how far a file is. */
final class Schema {
    /** Each entry migrates from version i to i+1. Never edit a released entry: append. */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of("""
                    CREATE TABLE events(
                      id INTEGER PRIMARY KEY,
                      at INTEGER NOT NULL,
                      kind TEXT NOT NULL,
                      detail TEXT, task TEXT, model TEXT, language TEXT, uri_hash TEXT,
                      inserted INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
                      line INTEGER NOT NULL DEFAULT -1, doc_lines INTEGER NOT NULL DEFAULT -1,
                      latency_ms INTEGER NOT NULL DEFAULT -1, cold_start INTEGER)""",
                    "CREATE INDEX events_at ON events(at)",
                    "CREATE INDEX events_task ON events(task, at) WHERE task IS NOT NULL",
                    """
                    CREATE TABLE daily_aggregates(
                      day TEXT NOT NULL, kind TEXT NOT NULL, task TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '',
                      count INTEGER NOT NULL, PRIMARY KEY(day, kind, task, model))""",
                    "CREATE TABLE metrics_snapshots(at INTEGER PRIMARY KEY, json TEXT NOT NULL)",
                    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
            List.of("""
                    CREATE TABLE model_owners(
                      server TEXT NOT NULL, model TEXT NOT NULL, pid INTEGER NOT NULL, started INTEGER NOT NULL,
                      at INTEGER NOT NULL, PRIMARY KEY(server, model))"""),
            List.of("""
                    CREATE TABLE model_wants(
                      server TEXT NOT NULL, model TEXT NOT NULL, pid INTEGER NOT NULL, started INTEGER NOT NULL,
                      at INTEGER NOT NULL, PRIMARY KEY(server, model, pid, started))"""),
            List.of("CREATE TABLE inferred_claims(model TEXT PRIMARY KEY, seen_at INTEGER NOT NULL)"));

    static final int VERSION = MIGRATIONS.size();

    /**
     * The oldest schema version whose servers can use a file at {@link #VERSION}, recorded in the file's {@code meta}
     * as {@value #OLDEST_READER_KEY}: each editor ships its own server, so an older one often opens a file a newer one
     * migrated. A migration that only adds tables or indexes leaves it; one an older server could not live with (a
     * column changed, a table written differently) raises it to the new version.
     */
    static final int OLDEST_READER = 1;

    static final String OLDEST_READER_KEY = "schema_oldest_reader";

    private Schema() {}

    /**
     * Brings the schema up to {@link #VERSION}; a file from a newer server is used as it is when that server recorded
     * that servers of this version can still use it, and refused otherwise. Several servers open the same file (an
     * editor window each, often started together): the migration runs under SQLite's write lock, taken before the
     * version is read, so a server that starts beside another waits for it (the busy timeout) and finds the work done.
     */
    static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            int found = version(s);
            if (found < 0) { // no server writes that: the header is garbled
                throw new StoreDamage.Damaged("schema version " + found + " in the file's header");
            }
            if (found == VERSION || found > VERSION && usableHere(s)) {
                return;
            }
            s.execute("BEGIN IMMEDIATE");
            try {
                int version = version(s);
                if (version > VERSION) {
                    if (usableHere(s)) {
                        s.execute("COMMIT");
                        return;
                    }
                    throw new SQLException("store schema version " + version + " is newer than this server's "
                            + VERSION + " and not usable by it");
                }
                for (int v = version; v < VERSION; v++) {
                    for (String sql : MIGRATIONS.get(v)) {
                        s.execute(sql);
                    }
                }
                s.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('" + OLDEST_READER_KEY + "', '"
                        + OLDEST_READER + "')");
                s.execute("PRAGMA user_version = " + VERSION);
                s.execute("COMMIT");
            } catch (SQLException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
    }

    /** Whether a file newer than this server's schema says servers of this version can use it. */
    private static boolean usableHere(Statement s) throws SQLException {
        try (var rs = s.executeQuery("SELECT value FROM meta WHERE key = '" + OLDEST_READER_KEY + "'")) {
            return rs.next() && parses(rs.getString(1)) <= VERSION;
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table")) {
                return false; // no meta table: refused as newer
            }
            throw e;
        }
    }

    private static int parses(String n) {
        try {
            return Integer.parseInt(n.trim());
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static int version(Statement s) throws SQLException {
        try (var rs = s.executeQuery("PRAGMA user_version")) {
            return rs.getInt(1);
        }
    }
}
