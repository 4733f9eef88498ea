package dev.warmup.server.store;

import dev.warmup.server.usage.UsageEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.sqlite.SQLiteConfig;

/**
 * Reads what can still be read of the events of a damaged store, read-only, so that a bad page or a cut-off file
 * costs the history it held and not all of it. The events are read by id in stretches of {@value #STRETCH}; a
 * stretch SQLite cannot read is halved until the unreadable part is at most {@value #SMALLEST} ids, which are
 * skipped; a row whose values make no event (its page garbled) is skipped too.
 */
final class StoreSalvage {
    static final int STRETCH = 2048;
    static final int SMALLEST = 16;

    /** How much was read back: events, and the stretches of ids (or single rows) that could not be. */
    record Result(long events, long skipped) {}

    private final Connection db;
    private final Consumer<List<UsageEvent>> sink;
    private long events;
    private long skipped;

    private StoreSalvage(Connection db, Consumer<List<UsageEvent>> sink) {
        this.db = db;
        this.sink = sink;
    }

    /** Hands the readable events of {@code damaged}, oldest id first, to {@code sink} a stretch at a time. */
    static Result salvage(Path damaged, Consumer<List<UsageEvent>> sink) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        // with a WAL beside it (moved aside with it), read through it: it holds the latest events; without one,
        // immutable: no locks taken and no -wal or -shm files left beside the damaged file
        String uri = Files.exists(Path.of(damaged + "-wal")) ? "jdbc:sqlite:" + damaged
                : "jdbc:sqlite:" + damaged.toUri() + "?immutable=1";
        try (Connection db = DriverManager.getConnection(uri, config.toProperties())) {
            long[] ids = idRange(db);
            // ids are dense from the oldest kept on, and no file holds more rows than it has 8-byte words: a range
            // read from garbled pages (up to Long.MAX_VALUE) is cut to that, rather than walked for ever
            long first = Math.max(1, ids[0]);
            long last = Math.min(ids[1], first + Files.size(damaged) / 8);
            StoreSalvage s = new StoreSalvage(db, sink);
            for (long from = first; from <= last; from += STRETCH) {
                s.read(from, Math.min(from + STRETCH, last + 1));
            }
            return new Result(s.events, s.skipped);
        } catch (SQLException | IOException unreadable) { // not a database any more, or no events table to read
            return new Result(0, 0);
        }
    }

    /**
     * The lowest and highest event ids: from the table, else (its end pages unreadable) from 1 to the count of
     * events ever stored, which no id exceeds (each new id is one past the highest).
     */
    private static long[] idRange(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT min(id), max(id) FROM events")) {
            return new long[] {rs.getLong(1), rs.getLong(2)};
        } catch (SQLException endsUnreadable) {
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'events_stored_total'")) {
                return new long[] {1, rs.next() ? Long.parseLong(rs.getString(1)) : 0};
            } catch (NumberFormatException garbled) {
                throw new SQLException("no readable range of event ids", garbled);
            }
        }
    }

    private void read(long from, long to) {
        List<UsageEvent> batch = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement(
                "SELECT " + UsageStore.EVENT_COLUMNS + " FROM events WHERE id >= ? AND id < ? ORDER BY id")) {
            q.setLong(1, from);
            q.setLong(2, to);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    try {
                        batch.add(UsageStore.event(rs));
                    } catch (RuntimeException garbledRow) {
                        skipped++;
                    }
                }
            }
        } catch (SQLException unreadable) {
            if (to - from <= SMALLEST) {
                skipped++;
                return;
            }
            long middle = from + (to - from) / 2; // what was read of this stretch is read again in its halves
            read(from, middle);
            read(middle, to);
            return;
        }
        if (!batch.isEmpty()) {
            events += batch.size();
            sink.accept(batch);
        }
    }
}
