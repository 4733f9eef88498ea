package dev.warmup.server.store;

import dev.warmup.server.usage.EventKind;
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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.sqlite.SQLiteConfig;

/**
 * Reads what can still be read of a damaged store, read-only, so that a bad page or a cut-off file costs the history
 * it held and not all of it: the events, then the daily counts (which outlive the events that retention prunes). Each
 * table is read by id in stretches of {@value #STRETCH}; a stretch SQLite cannot read is halved until the unreadable
 * part is at most {@value #SMALLEST} ids, which are skipped; a row whose values make no event or count (its page
 * garbled) is skipped too.
 */
final class StoreSalvage {
    static final int STRETCH = 2048;
    static final int SMALLEST = 16;

    /** How much was read back: events, daily counts, and the stretches of ids (or single rows) that could not be. */
    record Result(long events, long dailyCounts, long skipped) {}

    /** One row of the daily counts: {@code count} records of {@code kind} for {@code task} and {@code model} that day. */
    record DailyCount(String day, String kind, String task, String model, long count) {}

    /** What is read back goes here, a stretch at a time: the events first, oldest id first, then the daily counts. */
    interface Sink {
        void events(List<UsageEvent> batch);

        void dailyCounts(List<DailyCount> batch);
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private final Connection db;
    private final long fileBytes;
    private long skipped;

    private StoreSalvage(Connection db, long fileBytes) {
        this.db = db;
        this.fileBytes = fileBytes;
    }

    /** Hands what can be read of {@code damaged} to {@code sink}; a file cut short is read through a {@link PaddedCopy}. */
    static Result salvage(Path damaged, Sink sink) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (PaddedCopy readable = PaddedCopy.of(damaged)) {
            Path file = readable.path();
            // with a WAL beside it (moved aside with it), read through it: it holds the latest events; without one,
            // immutable: no locks taken and no -wal or -shm files left beside the damaged file
            String uri = Files.exists(StoreFile.wal(file)) ? "jdbc:sqlite:" + file
                    : "jdbc:sqlite:" + file.toUri() + "?immutable=1";
            try (Connection db = DriverManager.getConnection(uri, config.toProperties())) {
                StoreSalvage s = new StoreSalvage(db, Files.size(file));
                long events = s.table("events", "id", UsageStore.EVENT_COLUMNS, UsageStore::event, sink::events);
                long daily = s.table("daily_aggregates", "rowid", UsageStore.DAILY_COLUMNS,
                        StoreSalvage::dailyCount, sink::dailyCounts);
                return new Result(events, daily, s.skipped);
            }
        } catch (SQLException | IOException unreadable) { // not a database any more
            return new Result(0, 0, 0);
        }
    }

    /** Reads one table by {@code id}; returns the rows handed on. A table the schema does not give gives none. */
    private <T> long table(String table, String id, String columns, RowReader<T> row, Consumer<List<T>> sink) {
        try (Statement s = db.createStatement()) {
            s.executeQuery("SELECT " + columns + " FROM " + table + " WHERE 0").close();
        } catch (SQLException noSuchTable) { // or no schema to read it from: not a database any more
            return 0;
        }
        long[] ids = idRange(table, id);
        // ids are dense from the oldest kept on, and no file holds more rows than it has 8-byte words: a range
        // read from garbled pages (up to Long.MAX_VALUE) is cut to that, rather than walked for ever
        long first = Math.max(1, ids[0]);
        long last = Math.min(ids[1], first + fileBytes / 8);
        String sql = "SELECT " + columns + " FROM " + table + " WHERE " + id + " >= ? AND " + id + " < ? ORDER BY " + id;
        long read = 0;
        for (long from = first; from <= last; from += STRETCH) {
            read += read(sql, row, from, Math.min(from + STRETCH, last + 1), sink);
        }
        return read;
    }

    /**
     * The lowest and highest ids of {@code table}: from the table; else (the pages that say unreadable), for the
     * events, up to the count of events ever stored, which no id exceeds (each new id is one past the highest), from
     * as many below it as the file could hold rows (retention deleted the older ones); or else from 1 to the top,
     * which {@link #table} cuts to what the file could hold.
     */
    private long[] idRange(String table, String id) {
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT min(" + id + "), max(" + id + ") FROM " + table)) {
            return new long[] {rs.getLong(1), rs.getLong(2)};
        } catch (SQLException endsUnreadable) {
            if (table.equals("events")) {
                try (Statement s = db.createStatement();
                     ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = '" + UsageStore.STORED_TOTAL + "'")) {
                    if (rs.next()) {
                        long total = Long.parseLong(rs.getString(1).trim());
                        return new long[] {Math.max(1, total - fileBytes / 8), total};
                    }
                } catch (SQLException | RuntimeException metaUnreadable) {
                    // walked from 1 to the top
                }
            }
            return new long[] {1, Long.MAX_VALUE};
        }
    }

    private <T> long read(String sql, RowReader<T> row, long from, long to, Consumer<List<T>> sink) {
        List<T> batch = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement(sql)) {
            q.setLong(1, from);
            q.setLong(2, to);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    try {
                        batch.add(row.read(rs));
                    } catch (RuntimeException garbledRow) {
                        skipped++;
                    }
                }
            }
        } catch (SQLException unreadable) {
            if (to - from <= SMALLEST) {
                skipped++;
                return 0;
            }
            long middle = from + (to - from) / 2; // what was read of this stretch is read again in its halves
            return read(sql, row, from, middle, sink) + read(sql, row, middle, to, sink);
        }
        if (!batch.isEmpty()) {
            sink.accept(batch);
        }
        return batch.size();
    }

    /** The daily count in the current row; a value no server writes (its page garbled) throws. */
    private static DailyCount dailyCount(ResultSet rs) throws SQLException {
        String day = LocalDate.parse(rs.getString(1)).toString();
        String kind = EventKind.valueOf(rs.getString(2)).name();
        String task = rs.getString(3);
        String model = rs.getString(4);
        long count = rs.getLong(5);
        if (task == null || model == null || count <= 0) {
            throw new IllegalArgumentException("not a daily count");
        }
        return new DailyCount(day, kind, task, model, count);
    }
}
