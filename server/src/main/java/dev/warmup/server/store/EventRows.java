package dev.warmup.server.store;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneId;

/**
 * An event's row in the store, and its day's count: the columns, in the order they are written and read, and the
 * reading and writing of one. Shared by the store, its paged reads and the salvage of a damaged file.
 */
final class EventRows {
    private EventRows() {}

    /** The key of a daily count: its day, the kind of event, and its task and model ('' for none). */
    static final String DAILY_KEY = "day, kind, task, model";
    /** The columns of a daily count, in the order {@link UsageStore#mergeDailyCounts} writes them and salvage reads. */
    static final String DAILY_COLUMNS = DAILY_KEY + ", count";
    /** The columns of an event, in the order {@link #read} reads them and {@link #bind} writes them. */
    static final String EVENT_COLUMNS = "at, kind, detail, task, model, language, uri_hash, inserted, deleted, line,"
            + " doc_lines, latency_ms, cold_start";
    /** The insert of one event, for {@link #bind}. */
    static final String INSERT = "INSERT INTO events(" + EVENT_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
    /** The count of one more event of a day, for {@link #bindDay}. */
    static final String COUNT_DAY = "INSERT INTO daily_aggregates(" + DAILY_COLUMNS + ") VALUES (?,?,?,?,1)"
            + " ON CONFLICT(" + DAILY_KEY + ") DO UPDATE SET count = count + 1";

    /** The event in the current row of a query of {@link #EVENT_COLUMNS}; null when its kind is not one we know. */
    static UsageEvent read(ResultSet rs) throws SQLException {
        EventKind kind;
        try {
            kind = EventKind.valueOf(String.valueOf(rs.getString(2)));
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
        int cold = rs.getInt(13);
        Boolean coldStart = rs.wasNull() ? null : cold != 0;
        return new UsageEvent(rs.getLong(1), kind, rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getInt(9), rs.getInt(10),
                rs.getInt(11), rs.getLong(12), coldStart);
    }

    /** Sets {@code e} as the parameters of {@link #INSERT}. */
    static void bind(PreparedStatement ins, UsageEvent e) throws SQLException {
        ins.setLong(1, e.at());
        ins.setString(2, e.kind().name());
        ins.setString(3, e.detail());
        ins.setString(4, e.task());
        ins.setString(5, e.model());
        ins.setString(6, e.languageId());
        ins.setString(7, e.uriHash());
        ins.setInt(8, e.inserted());
        ins.setInt(9, e.deleted());
        ins.setInt(10, e.line());
        ins.setInt(11, e.docLines());
        ins.setLong(12, e.latencyMs());
        if (e.coldStart() == null) {
            ins.setNull(13, Types.INTEGER);
        } else {
            ins.setInt(13, e.coldStart() ? 1 : 0);
        }
    }

    /** Sets {@code e}'s day (by {@code zone}'s calendar), kind, task and model as {@link #COUNT_DAY}'s parameters. */
    static void bindDay(PreparedStatement agg, UsageEvent e, ZoneId zone) throws SQLException {
        agg.setString(1, Instant.ofEpochMilli(e.at()).atZone(zone).toLocalDate().toString());
        agg.setString(2, e.kind().name());
        agg.setString(3, e.task() == null ? "" : e.task());
        agg.setString(4, e.model() == null ? "" : e.model());
    }
}
