package dev.warmup.server.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Opens the store's SQLite file the way every server shares it: WAL, a busy timeout, checked, user-only. */
final class StoreFile {
    /** The files SQLite keeps a database in, by their suffix to its name: itself, its WAL, its shared-memory index. */
    static final List<String> SUFFIXES = List.of("", "-wal", "-shm");

    private StoreFile() {}

    /** The write-ahead log beside the database {@code file}. */
    static Path wal(Path file) {
        return Path.of(file + "-wal");
    }

    /**
     * Opens (or creates) {@code file} in WAL mode with a busy timeout, checks it (an existing file must pass SQLite's
     * quick check and take a write), brings its schema up to date and makes it and its WAL files the user's only.
     * Throws {@link StoreDamage.Damaged} (or SQLite's own error) if it cannot; nothing is left open then.
     */
    static Connection open(Path file) throws SQLException {
        boolean existed = Files.exists(file);
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        try {
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA busy_timeout = 5000");
                walMode(s);
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute("PRAGMA secure_delete = ON"); // what retention or forgetting deletes is overwritten
                if (existed) {
                    try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
                        String result = rs.next() ? rs.getString(1) : "no answer";
                        if (!"ok".equalsIgnoreCase(result)) {
                            throw new StoreDamage.Damaged("integrity check failed: " + result);
                        }
                    }
                }
            }
            Schema.migrate(connection);
            writable(connection, file);
            for (String suffix : SUFFIXES) {
                DataDirectory.restrict(Path.of(file + suffix), false);
            }
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        return connection;
    }

    /**
     * Checks that SQLite will write the file: one whose header asks for a newer file format than SQLite knows opens
     * read-only, and every batch would then fail. Such a file, writable on disk, is damaged (no server writes that
     * header); one the file system will not let us write is not.
     */
    private static void writable(Connection connection, Path file) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                s.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('write_probe', '1')"); // SQLite refuses here
            } finally {
                s.execute("ROLLBACK");
            }
        } catch (SQLiteException e) {
            if (StoreDamage.primary(e) == SQLiteErrorCode.SQLITE_READONLY.code && Files.isWritable(file)) {
                throw new StoreDamage.Damaged("the file's header makes it read-only (" + e.getMessage() + ")");
            }
            throw e;
        }
    }

    /**
     * Puts the file in WAL mode (once per file; a no-op after). The switch needs the file to itself and SQLite answers
     * SQLITE_BUSY at once, without its busy timeout, when another server is opening the same new file at that moment:
     * tried again for up to about 5 s, as the busy timeout would.
     */
    private static void walMode(Statement s) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                rs.next();
                return;
            } catch (SQLiteException e) {
                if (StoreDamage.primary(e) != SQLiteErrorCode.SQLITE_BUSY.code || attempt == 250) {
                    throw e;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while opening the store", e);
            }
        }
    }
}
