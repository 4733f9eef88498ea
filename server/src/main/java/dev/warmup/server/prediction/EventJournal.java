package dev.warmup.server.prediction;

import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.UsageEvent;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole history as a rebuilt predictor must see it, each event once and in order: what the store held when the
 * live feed began, then the events of the feed, kept here. Past {@code limit} events the oldest half is left to the
 * store (the pipeline wrote them long before), whole milliseconds at a time, and the store's share moves up to the
 * first event kept. Not thread-safe: the predictor's thread owns it.
 */
final class EventJournal {
    private final ArrayDeque<UsageEvent> events = new ArrayDeque<>();
    private final int limit;
    private long storedBefore;

    /** A journal whose feed begins at {@code start}: the store holds every event before it. */
    EventJournal(long start, int limit) {
        this.storedBefore = start;
        this.limit = limit;
    }

    /**
     * Keeps an event of the live feed; false for one reported for a time the stored share already covers (a client's
     * late report), which only the next read of the store sees.
     */
    boolean add(UsageEvent e) {
        if (e.at() < storedBefore) {
            return false;
        }
        events.add(e);
        if (events.size() > limit) {
            while (events.size() > limit / 2) {
                long at = events.peekFirst().at();
                while (!events.isEmpty() && events.peekFirst().at() == at) {
                    events.pollFirst();
                }
            }
            storedBefore = events.peekFirst().at();
        }
        return true;
    }

    /** Everything so far: the stored share read from {@code store}, then the journal. */
    List<UsageEvent> history(UsageStore store) throws SQLException {
        List<UsageEvent> all = new ArrayList<>();
        store.events(Long.MIN_VALUE, storedBefore, all::add);
        all.addAll(events);
        return all;
    }
}
