package dev.warmup.server.prediction;

import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.UsageEvent;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The whole history as a rebuilt predictor must see it, each event once and in time order: what the store held
 * when the live feed began, then the events of the feed, kept here. Past {@code limit} events the oldest half is left
 * to the store (the pipeline wrote them long before), whole milliseconds at a time, and the store's share moves up to
 * the first event kept. Not thread-safe: the predictor's thread owns it.
 */
final class EventJournal {
    private final List<UsageEvent> events = new ArrayList<>();
    private final int limit;
    private long storedBefore;

    /** A journal whose feed begins at {@code start}: the store holds every event before it. */
    EventJournal(long start, int limit) {
        this.storedBefore = start;
        this.limit = limit;
    }

    /**
     * Keeps an event of the live feed in its place in time (a use reported late goes before the events that came
     * in between); false for one reported for a time the stored share already covers (a client's late report), which
     * only the next read of the store sees.
     */
    boolean add(UsageEvent e) {
        if (e.at() < storedBefore) {
            return false;
        }
        int i = events.size();
        while (i > 0 && events.get(i - 1).at() > e.at()) {
            i--;
        }
        events.add(i, e);
        if (events.size() > limit) {
            int cut = events.size() - limit / 2;
            while (cut < events.size() && events.get(cut).at() == events.get(cut - 1).at()) {
                cut++; // whole milliseconds: the store's share is every event before storedBefore
            }
            storedBefore = cut < events.size() ? events.get(cut).at() : events.get(cut - 1).at() + 1;
            events.subList(0, cut).clear();
        }
        return true;
    }

    /**
     * The history was forgotten at {@code at}: from then on the store's share is only what was recorded since, and
     * the journal keeps its events from {@code at} on (or from where its share already ended, if later).
     */
    void forgottenAt(long at) {
        storedBefore = Math.max(storedBefore, at);
        events.removeIf(e -> e.at() < at);
    }

    /** The journal's share alone: the live feed's events it still keeps, for when the store cannot be read. */
    List<UsageEvent> kept() {
        return List.copyOf(events);
    }

    /**
     * Everything so far, in order, to {@code sink}: the stored share read from {@code store} a page at a time (never
     * the whole history in memory), then the journal.
     */
    void replay(UsageStore store, Consumer<UsageEvent> sink) throws SQLException {
        store.events(Long.MIN_VALUE, storedBefore, sink);
        events.forEach(sink);
    }
}
