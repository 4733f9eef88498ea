package dev.warmup.server.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.util.List;

/** A store that, as on a full disk, can be read and deleted from but takes no more events. */
public final class FullStore {
    private FullStore() {}

    /**
     * Leaves {@code store}'s connection no room beyond the pages its file has, filled with events at {@code at} until
     * an insert fails (deletes still succeed, as they need no new page); returns how many went in.
     */
    public static long fill(UsageStore store, long at) throws Exception {
        long pages = store.query("PRAGMA page_count", List.of(), rs -> rs.getLong(1));
        store.query("PRAGMA max_page_count = " + pages, List.of(), rs -> rs.getLong(1));
        long stored = 0;
        try {
            for (; stored < 100_000; stored++) {
                store.append(List.of(UsageEvent.simple(at, EventKind.CHANGE, null, null)));
            }
        } catch (java.sql.SQLException full) {
            assertTrue(full.getMessage().contains("full"), full.getMessage());
        }
        return stored;
    }

    /** Gives {@code store}'s connection room again. */
    public static void makeRoom(UsageStore store) throws Exception {
        store.query("PRAGMA max_page_count = 1000000", List.of(), rs -> rs.getLong(1));
    }
}
