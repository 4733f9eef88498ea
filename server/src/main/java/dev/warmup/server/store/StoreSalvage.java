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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.sqlite.SQLiteConfig;

/**
 * Reads what can still be read of a damaged store, so that a bad page or a cut-off file costs the history it held and
 * not all of it: the events, then the daily counts (which outlive the events that retention prunes). Each table is
 * read through SQLite, read-only, by id in stretches of {@value #STRETCH}; a stretch SQLite cannot read is halved
 * until the unreadable part is at most {@value #SMALLEST} ids, which are skipped; a row whose values make no event or
 * count (its page garbled) is skipped too. The rows SQLite cannot reach (under a garbled interior page, or all of
 * them when the schema page or the header is garbled) are then taken from the file's pages directly
 * ({@link PageSalvage}), each stretch's in id order with SQLite's; where SQLite reads, its answer stands.
 */
final class StoreSalvage {
    static final int STRETCH = 2048;
    static final int SMALLEST = 16;

    /**
     * How much was read back: events and daily counts, how many of them only from the pages directly, and the
     * stretches of ids (or single rows) SQLite could not read.
     */
    record Result(long events, long dailyCounts, long fromPages, long skipped) {}

    /** One row of the daily counts: {@code count} records of {@code kind} for {@code task} and {@code model} that day. */
    record DailyCount(String day, String kind, String task, String model, long count) {
        /** The count, checked: a value no server writes (its page garbled) throws. */
        static DailyCount of(String day, String kind, String task, String model, long count) {
            if (task == null || model == null || count <= 0) {
                throw new IllegalArgumentException("not a daily count");
            }
            return new DailyCount(LocalDate.parse(day).toString(), EventKind.valueOf(kind).name(), task, model, count);
        }
    }

    /** What is read back goes here, a stretch at a time: the events first, oldest id first, then the daily counts. */
    interface Sink {
        void events(List<UsageEvent> batch);

        void dailyCounts(List<DailyCount> batch);
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private final Connection db; // null: SQLite cannot open the file at all
    private final long fileBytes;
    private long fromPages;
    private long skipped;

    private StoreSalvage(Connection db, long fileBytes) {
        this.db = db;
        this.fileBytes = fileBytes;
    }

    /** Hands what can be read of {@code damaged} to {@code sink}; a file cut short is read through a {@link PaddedCopy}. */
    static Result salvage(Path damaged, Sink sink) {
        try (PageSalvage pages = PageSalvage.scan(damaged)) {
            return pages == null ? new Result(0, 0, 0, 0) : throughSqlite(damaged, pages, sink); // null: no bytes
        }
    }

    /** Reads {@code damaged} through SQLite where it opens, the rows of {@code pages} filling in. */
    private static Result throughSqlite(Path damaged, PageSalvage pages, Sink sink) {
        try (PaddedCopy readable = PaddedCopy.of(damaged)) {
            Path file = readable.path();
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(true);
            // with a WAL beside it (moved aside with it), read through it: it holds the latest events; without one,
            // immutable: no locks taken and no -wal or -shm files left beside the damaged file
            String uri = Files.exists(StoreFile.wal(file)) ? "jdbc:sqlite:" + file
                    : "jdbc:sqlite:" + file.toUri() + "?immutable=1";
            long bytes;
            Connection db;
            try {
                bytes = Files.size(file);
                db = DriverManager.getConnection(uri, config.toProperties());
            } catch (SQLException | IOException notADatabase) { // not a database to SQLite any more: the pages alone
                return new StoreSalvage(null, 0).tables(pages, sink);
            }
            try { // a failure to close comes after the rows were handed on: they are not read again
                return new StoreSalvage(db, bytes).tables(pages, sink);
            } finally {
                try {
                    db.close();
                } catch (SQLException closing) {
                    // read-only: nothing lost
                }
            }
        }
    }

    private Result tables(PageSalvage pages, Sink sink) {
        long events = table("events", "id", EventRows.EVENT_COLUMNS, StoreSalvage::event, pages.events(),
                sink::events);
        long daily = table("daily_aggregates", "rowid", EventRows.DAILY_COLUMNS, StoreSalvage::dailyCount,
                pages.dailyCounts(), sink::dailyCounts);
        return new Result(events, daily, fromPages, skipped);
    }

    /**
     * Reads one table by {@code id}, through SQLite where it can; the rows found on the pages fill in only where it
     * cannot: the ids of stretches or rows it failed to read, and, when it could not say its lowest and highest id,
     * those below and above the range it read. Where SQLite reads, its answer stands, so that rows retention deleted
     * (still on freed pages) do not come back. Returns the rows handed on.
     */
    private <T> long table(String table, String id, String columns, RowReader<T> row, PageSalvage.Found<T> found,
                           Consumer<List<T>> sink) {
        if (!readable(table, columns)) {
            return pagesOnly(Long.MIN_VALUE, Long.MAX_VALUE, found, sink);
        }
        IdRange ids = idRange(table, id);
        // ids are dense from the oldest kept on, and no file holds more rows than it has 8-byte words: a range
        // read from garbled pages (up to Long.MAX_VALUE) is cut to that, rather than walked for ever
        long first = Math.max(1, ids.first());
        long last = Math.min(ids.last(), first + fileBytes / 8);
        String sql = "SELECT " + columns + ", " + id + " FROM " + table + " WHERE " + id + " >= ? AND " + id
                + " < ? ORDER BY " + id;
        int idColumn = columns.split(",").length + 1;
        long handed = ids.exact() ? 0 : pagesOnly(Long.MIN_VALUE, first - 1, found, sink);
        for (long from = first; from <= last; from += STRETCH) {
            long to = Math.min(from + STRETCH, last + 1);
            List<PageSalvage.Row<T>> rows = new ArrayList<>();
            List<long[]> unread = new ArrayList<>();
            read(sql, row, idColumn, from, to, rows, unread);
            Set<Long> read = new HashSet<>();
            rows.forEach(r -> read.add(r.id()));
            for (long[] gap : unread) {
                for (PageSalvage.Row<T> r : found.rows(gap[0], gap[1] - 1, Integer.MAX_VALUE)) {
                    if (read.add(r.id())) { // on a page SQLite could not reach
                        rows.add(r);
                        fromPages++;
                    }
                }
            }
            rows.sort(Comparator.comparingLong(PageSalvage.Row::id)); // stable: SQLite's first, as it read them
            handed += hand(rows, sink);
        }
        return ids.exact() || last == Long.MAX_VALUE ? handed
                : handed + pagesOnly(last + 1, Long.MAX_VALUE, found, sink);
    }

    /** Whether SQLite can read {@code table}'s columns (it has the table, and a schema to find it in). */
    private boolean readable(String table, String columns) {
        if (db == null) {
            return false;
        }
        try (Statement s = db.createStatement()) {
            s.executeQuery("SELECT " + columns + " FROM " + table + " WHERE 0").close();
            return true;
        } catch (SQLException noSuchTable) {
            return false;
        }
    }

    /** Hands on the rows found on the pages with ids from {@code first} to {@code last}, {@value #STRETCH} at a time. */
    private <T> long pagesOnly(long first, long last, PageSalvage.Found<T> found, Consumer<List<T>> sink) {
        long handed = 0;
        for (long from = first; from <= last; ) {
            List<PageSalvage.Row<T>> rows = found.rows(from, last, STRETCH);
            if (rows.isEmpty()) {
                break;
            }
            fromPages += rows.size();
            handed += hand(rows, sink);
            long top = rows.get(rows.size() - 1).id();
            if (top == Long.MAX_VALUE) {
                break;
            }
            from = top + 1;
        }
        return handed;
    }

    private static <T> long hand(List<PageSalvage.Row<T>> rows, Consumer<List<T>> sink) {
        if (!rows.isEmpty()) {
            sink.accept(rows.stream().map(PageSalvage.Row::value).toList());
        }
        return rows.size();
    }

    /** Ids from {@code first} to {@code last}; {@code exact} when SQLite gave both (else they are estimates). */
    private record IdRange(long first, long last, boolean exact) {}

    /**
     * The lowest and highest ids of {@code table}: from the table; else (the pages that say unreadable), for the
     * events, up to the count of events ever stored, which no id exceeds (each new id is one past the highest), from
     * as many below it as the file could hold rows (retention deleted the older ones); or else from 1 to the top,
     * which {@link #table} cuts to what the file could hold.
     */
    private IdRange idRange(String table, String id) {
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT min(" + id + "), max(" + id + ") FROM " + table)) {
            return new IdRange(rs.getLong(1), rs.getLong(2), true);
        } catch (SQLException endsUnreadable) {
            if (table.equals("events")) {
                try (Statement s = db.createStatement();
                     ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = '" + UsageStore.STORED_TOTAL + "'")) {
                    if (rs.next()) {
                        long total = Long.parseLong(rs.getString(1).trim());
                        return new IdRange(Math.max(1, total - fileBytes / 8), total, false);
                    }
                } catch (SQLException | RuntimeException metaUnreadable) {
                    // walked from 1 to the top
                }
            }
            return new IdRange(1, Long.MAX_VALUE, false);
        }
    }

    /**
     * Adds to {@code rows} what SQLite reads of ids {@code [from, to)}, halving a stretch it cannot read; what it
     * cannot read in the end (a stretch of at most {@value #SMALLEST} ids, or one garbled row) goes to {@code unread}.
     */
    private <T> void read(String sql, RowReader<T> row, int idColumn, long from, long to,
                          List<PageSalvage.Row<T>> rows, List<long[]> unread) {
        List<PageSalvage.Row<T>> batch = new ArrayList<>();
        List<long[]> garbled = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement(sql)) {
            q.setLong(1, from);
            q.setLong(2, to);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(idColumn);
                    try {
                        batch.add(new PageSalvage.Row<>(id, row.read(rs)));
                    } catch (RuntimeException garbledRow) {
                        skipped++;
                        garbled.add(new long[] {id, id + 1});
                    }
                }
            }
        } catch (SQLException unreadable) {
            if (to - from <= SMALLEST) {
                skipped++;
                long[] before = unread.isEmpty() ? null : unread.get(unread.size() - 1);
                if (before != null && before[1] == from) { // read in order: one gap, not many
                    before[1] = to;
                } else {
                    unread.add(new long[] {from, to});
                }
                return;
            }
            long middle = from + (to - from) / 2; // what was read of this stretch is read again in its halves
            read(sql, row, idColumn, from, middle, rows, unread);
            read(sql, row, idColumn, middle, to, rows, unread);
            return;
        }
        rows.addAll(batch);
        unread.addAll(garbled);
    }

    /**
     * The event in the current row; one of a kind this server does not know (a newer server's, which a fresh store
     * of this one cannot hold) throws, and is counted with the rows that could not be read, as the pages do.
     */
    private static UsageEvent event(ResultSet rs) throws SQLException {
        UsageEvent e = EventRows.read(rs);
        if (e == null) {
            throw new IllegalArgumentException("an event of a kind this server does not know: " + rs.getString(2));
        }
        return e;
    }

    /** The daily count in the current row; a value no server writes (its page garbled) throws. */
    private static DailyCount dailyCount(ResultSet rs) throws SQLException {
        return DailyCount.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5));
    }
}
