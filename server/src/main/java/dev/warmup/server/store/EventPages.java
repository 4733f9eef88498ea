package dev.warmup.server.store;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.usage.UsageEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Reads the store's events in time order a page at a time (keyset on {@code (at, id)}), for {@link UsageStore#events}
 * and {@link UsageStore#readEvents}: only a page in memory, the lock held for a page's read only.
 */
final class EventPages {
    private static final Logger LOG = Logger.getLogger(UsageStore.class.getName()); // said as the store's

    private EventPages() {}

    /** A supplier that may throw SQLException. */
    @FunctionalInterface
    interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    /** The events a page at a time, each page read holding {@code lock}, to {@code sink}; unknown kinds said. */
    static void read(Object lock, SqlSupplier<Connection> connection, long from, long to, int pageSize,
                     Consumer<UsageEvent> sink) throws SQLException {
        Map<String, Integer> unknown = new TreeMap<>();
        long[] after = {from, Long.MIN_VALUE}; // the (at, id) of the last row read
        List<UsageEvent> page = new ArrayList<>(pageSize);
        boolean more = true;
        while (more) {
            page.clear();
            synchronized (lock) {
                more = page(connection.get(), after, to, pageSize, page, unknown);
            }
            page.forEach(sink);
        }
        sayUnknown(unknown);
    }

    /** Reads the page after {@code after} into {@code out}; returns whether a full page was read (more may follow). */
    private static boolean page(Connection c, long[] after, long to, int size, List<UsageEvent> out,
                                Map<String, Integer> unknown) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT " + EventRows.EVENT_COLUMNS
                + ", id FROM events WHERE (at, id) > (?, ?) AND at < ? ORDER BY at, id LIMIT ?")) {
            q.setLong(1, after[0]);
            q.setLong(2, after[1]);
            q.setLong(3, to);
            q.setInt(4, size);
            int rows = 0;
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    read(rs, out::add, unknown);
                    after[0] = rs.getLong(1);
                    after[1] = rs.getLong(14);
                    rows++;
                }
            }
            return rows == size;
        }
    }

    private static void read(ResultSet rs, Consumer<UsageEvent> sink, Map<String, Integer> unknown)
            throws SQLException {
        UsageEvent e = EventRows.read(rs);
        if (e != null) {
            sink.accept(e);
        } else {
            unknown.merge(String.valueOf(rs.getString(2)), 1, Integer::sum);
        }
    }

    private static void sayUnknown(Map<String, Integer> unknown) {
        if (!unknown.isEmpty()) {
            LOG.warning(new WarmupException(ErrorCode.WMP_7004, unknown.values().stream().mapToInt(i -> i).sum()
                    + " stored events of kinds this server does not know, left out of what it read (a newer server's?"
                    + " they stay in the store): " + unknown).getMessage());
        }
    }

}
