package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rebuild's history: the stored share, then the journal, each event once, also after the journal was trimmed. */
class EventJournalTest {
    @TempDir Path dir;

    private static UsageEvent at(long t) {
        return UsageEvent.simple(t, EventKind.CHANGE, null, null);
    }

    @Test
    void eachEventOnceInOrderAcrossATrim() throws Exception {
        try (UsageStore store = UsageStore.open(dir.resolve("usage.db"))) {
            store.append(List.of(at(1), at(5)));                  // before the feed began
            EventJournal journal = new EventJournal(10, 4);
            for (long t : new long[] {10, 20, 20, 30, 40, 50}) {  // the feed; the pipeline stores it too
                store.append(List.of(at(t)));
                assertTrue(journal.add(at(t)));
            }
            // the fifth event passed the limit: 10 and both 20s went back to the store, whole milliseconds at a time
            assertFalse(journal.add(at(25)), "a late report is the store's");
            store.append(List.of(at(25)));
            assertEquals(List.of(1L, 5L, 10L, 20L, 20L, 25L, 30L, 40L, 50L),
                    history(journal, store).stream().map(UsageEvent::at).toList());
            assertEquals(List.of(1L, 5L), history(new EventJournal(10, 4), store).stream().map(UsageEvent::at).toList(),
                    "a fresh journal: only what was stored before its start");
        }
    }

    @Test
    void aUseReportedLateTakesItsPlaceInTime() throws Exception {
        try (UsageStore store = UsageStore.open(dir.resolve("usage.db"))) {
            EventJournal journal = new EventJournal(10, 100);
            for (long t : new long[] {10, 20, 30, 15, 30, 25}) {
                assertTrue(journal.add(at(t)));
            }
            assertEquals(List.of(10L, 15L, 20L, 25L, 30L, 30L),
                    history(journal, store).stream().map(UsageEvent::at).toList());
        }
    }

    @Test
    void afterTheHistoryWasForgottenOnlyWhatCameSinceIsRead() throws Exception {
        try (UsageStore store = UsageStore.open(dir.resolve("usage.db"))) {
            store.append(List.of(at(5)));                         // before the feed began
            EventJournal journal = new EventJournal(10, 100);
            for (long t : new long[] {10, 20}) {
                store.append(List.of(at(t)));
                assertTrue(journal.add(at(t)));
            }
            dev.warmup.server.store.HistoryEraser.erase(store, 25); // another server forgot it at 25
            for (long t : new long[] {30, 40}) {
                store.append(List.of(at(t)));
                assertTrue(journal.add(at(t)));
            }
            journal.forgottenAt(25);
            assertEquals(List.of(30L, 40L), history(journal, store).stream().map(UsageEvent::at).toList(),
                    "what came since, each once");
        }
    }

    /** What the journal replays: the stored share, a page at a time, then its own. */
    private static List<UsageEvent> history(EventJournal journal, UsageStore store) throws Exception {
        List<UsageEvent> out = new java.util.ArrayList<>();
        journal.replay(store, out::add);
        return out;
    }
}
