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
                      at INTEGER NOT NULL, PRIMARY KEY(server, model, pid, started))"""));

    static final int VERSION = MIGRATIONS.size();

    private Schema() {}

    /**
     * Brings the schema up to {@link #VERSION}; refuses a file from a newer server. Several servers open the same file
     * (an editor window each, often started together): the migration runs under SQLite's write lock, taken before the
     * version is read, so a server that starts beside another waits for it (the busy timeout) and finds the work done.
     */
    static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (version(s) == VERSION) {
                return;
            }
            s.execute("BEGIN IMMEDIATE");
            try {
                int version = version(s);
                if (version > VERSION) {
                    throw new SQLException("store schema version " + version + " is newer than this server's "
                            + VERSION);
                }
                for (int v = version; v < VERSION; v++) {
                    for (String sql : MIGRATIONS.get(v)) {
                        s.execute(sql);
                    }
                }
                s.execute("PRAGMA user_version = " + VERSION);
                s.execute("COMMIT");
            } catch (SQLException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
    }

    private static int version(Statement s) throws SQLException {
        try (var rs = s.executeQuery("PRAGMA user_version")) {
            return rs.getInt(1);
        }
    }
}
