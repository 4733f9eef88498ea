package dev.warmup.server.store;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The events and daily counts of a damaged store found by reading its pages directly ({@link SqlitePages},
 * {@link LeafRecords}), for what SQLite can no longer reach: rows under a garbled interior or root page, in a file
 * whose schema page or header is garbled. A row is taken for an event or a daily count when its record has exactly
 * that table's columns with values of their types (an event's kind one this server knows, a count's day a date), so
 * rows of other tables, index pages and garbage are left out. Pages on the freelist are skipped when the header could
 * be read. Otherwise they cannot be told, but the store deletes securely ({@code secure_delete}), so the rows
 * retention deleted were overwritten; only a file written before this server deleted so, and not yet rewritten by
 * {@link StoreMaintenance}, may give some back, which the next retention round deletes again.
 */
final class PageSalvage implements AutoCloseable {
    /** One row found: its id (rowid) and its value. */
    record Row<T>(long id, T value) {}

    private record Place(long id, long page, int cell) {}

    /** The rows of one table found on the pages, by id (the first found of an id kept), decoded when asked for. */
    static final class Found<T> {
        private final SqlitePages pages;
        private final Function<Object[], T> decode;
        private final List<Place> places;

        private Found(SqlitePages pages, Function<Object[], T> decode, List<Place> found) {
            this.pages = pages;
            this.decode = decode;
            found.sort(Comparator.comparingLong(Place::id));
            this.places = new ArrayList<>();
            for (Place p : found) {
                if (places.isEmpty() || places.get(places.size() - 1).id() != p.id()) {
                    places.add(p);
                }
            }
        }

        /**
         * The first {@code limit} rows with {@code from <= id <= last}, by id (a page that can no longer be read
         * gives none).
         */
        List<Row<T>> rows(long from, long last, int limit) {
            List<Row<T>> rows = new ArrayList<>();
            long page = -1;
            List<LeafRecords.Cell> cells = List.of();
            for (int i = firstAtLeast(from); i < places.size() && places.get(i).id() <= last && rows.size() < limit;
                 i++) {
                Place p = places.get(i);
                if (p.page() != page) {
                    page = p.page();
                    cells = cells(pages, page);
                }
                T value = p.cell() < cells.size() ? decode.apply(cells.get(p.cell()).values()) : null;
                if (value != null) {
                    rows.add(new Row<>(p.id(), value));
                }
            }
            return rows;
        }

        private int firstAtLeast(long id) {
            int lo = 0;
            int hi = places.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (places.get(mid).id() < id) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    private final SqlitePages pages;
    private final Found<UsageEvent> events;
    private final Found<StoreSalvage.DailyCount> dailyCounts;

    private PageSalvage(SqlitePages pages, List<Place> events, List<Place> dailyCounts) {
        this.pages = pages;
        this.events = new Found<>(pages, PageSalvage::event, events);
        this.dailyCounts = new Found<>(pages, PageSalvage::dailyCount, dailyCounts);
    }

    /**
     * Reads {@code file}'s pages (and its WAL's). Returns null when the file cannot be read at all; the pages stay
     * open for {@link Found#rows} until {@link #close}.
     */
    static PageSalvage scan(Path file) {
        SqlitePages pages;
        try {
            pages = SqlitePages.open(file);
        } catch (IOException e) {
            return null;
        }
        List<Place> events = new ArrayList<>();
        List<Place> daily = new ArrayList<>();
        for (long n = 1; n <= pages.lastPage(); n++) {
            if (pages.isFree(n)) {
                continue;
            }
            List<LeafRecords.Cell> cells = cells(pages, n);
            for (int i = 0; i < cells.size(); i++) {
                LeafRecords.Cell c = cells.get(i);
                if (event(c.values()) != null) {
                    events.add(new Place(c.rowid(), n, i));
                } else if (dailyCount(c.values()) != null) {
                    daily.add(new Place(c.rowid(), n, i));
                }
            }
        }
        return new PageSalvage(pages, events, daily);
    }

    Found<UsageEvent> events() {
        return events;
    }

    Found<StoreSalvage.DailyCount> dailyCounts() {
        return dailyCounts;
    }

    @Override
    public void close() {
        try {
            pages.close();
        } catch (IOException e) {
            // read-only: nothing lost
        }
    }

    private static List<LeafRecords.Cell> cells(SqlitePages pages, long page) {
        try {
            var bytes = pages.page(page);
            return bytes == null ? List.of() : LeafRecords.read(bytes, page, pages.usableSize());
        } catch (IOException | RuntimeException unreadable) { // the salvage goes on without this page
            return List.of();
        }
    }

    /**
     * A record of the events table (its schema's first version: the id, stored as null since it is the rowid, then
     * {@link EventRows#EVENT_COLUMNS}), or null if it is not one.
     */
    static UsageEvent event(Object[] v) {
        if (v.length != 14 || v[0] != null || !(v[1] instanceof Long at) || !(v[2] instanceof String kind)
                || !textOrNull(v, 3, 7) || !integers(v, 8, 12) || v[13] != null && !(v[13] instanceof Long)) {
            return null;
        }
        EventKind k;
        try {
            k = EventKind.valueOf(kind);
        } catch (IllegalArgumentException notAKind) {
            return null;
        }
        return new UsageEvent(at, k, (String) v[3], (String) v[4], (String) v[5], (String) v[6], (String) v[7],
                (int) (long) (Long) v[8], (int) (long) (Long) v[9], (int) (long) (Long) v[10],
                (int) (long) (Long) v[11], (Long) v[12], v[13] == null ? null : (Long) v[13] != 0);
    }

    /** A record of the daily counts ({@link EventRows#DAILY_COLUMNS}), or null if it is not one. */
    static StoreSalvage.DailyCount dailyCount(Object[] v) {
        if (v.length != 5 || !(v[0] instanceof String day) || !(v[1] instanceof String kind)
                || !(v[2] instanceof String task) || !(v[3] instanceof String model) || !(v[4] instanceof Long n)) {
            return null;
        }
        try {
            return StoreSalvage.DailyCount.of(day, kind, task, model, n);
        } catch (RuntimeException notACount) {
            return null;
        }
    }

    private static boolean textOrNull(Object[] v, int from, int to) {
        for (int i = from; i <= to; i++) {
            if (v[i] != null && !(v[i] instanceof String)) {
                return false;
            }
        }
        return true;
    }

    private static boolean integers(Object[] v, int from, int to) {
        for (int i = from; i <= to; i++) {
            if (!(v[i] instanceof Long)) {
                return false;
            }
        }
        return true;
    }
}
