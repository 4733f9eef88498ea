package dev.warmup.server.store;

import dev.warmup.server.errors.FileTrouble;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Forgets the recorded history ({@code warmup.forgetHistory}, {@code forget}): every event, count by day, metrics
 * snapshot and inferred-use claim, and the count of events ever stored, deleted in one transaction, with the moment
 * recorded for the other servers using the file ({@link UsageStore#historyForgottenAt}). The store deletes securely
 * ({@code secure_delete}: the pages freed are overwritten), so the rows are gone from the file, not only from its
 * tables; the file is then compacted ({@code VACUUM}, which also rewrites pages freed before the store deleted so)
 * and its write-ahead log emptied.
 */
public final class HistoryEraser {
    private HistoryEraser() {}

    /**
     * What was deleted; {@code notCompacted}: why the file could not be compacted (another server's connection held it
     * past the busy timeout: the deleted rows are overwritten all the same), or null.
     */
    public record Erased(int events, int dailyCounts, int metricsSnapshots, String notCompacted) {}

    /** What {@link #deleteFiles} did: the files deleted, and why each of the others could not be. */
    public record Deleted(int files, List<String> failures) {}

    /** Deletes the files of {@code dir} besides its store that hold the history: {@link DataDirectory#historyFiles}. */
    public static Deleted deleteFiles(DataDirectory dir) {
        List<Path> files;
        try {
            files = dir.historyFiles();
        } catch (IOException e) {
            return new Deleted(0, List.of("listing " + dir.root() + ": " + FileTrouble.why(e, dir.root())));
        }
        int deleted = 0;
        List<String> failures = new ArrayList<>();
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
                deleted++;
            } catch (IOException e) {
                failures.add(f + " could not be deleted: " + FileTrouble.why(e, f));
            }
        }
        return new Deleted(deleted, failures);
    }

    public static Erased erase(UsageStore store, long now) throws SQLException {
        int[] n = new int[3];
        store.transaction(() -> {
            n[0] = store.update("DELETE FROM events", List.of());
            n[1] = store.update("DELETE FROM daily_aggregates", List.of());
            n[2] = store.update("DELETE FROM metrics_snapshots", List.of());
            store.update("DELETE FROM inferred_claims", List.of());
            store.update("DELETE FROM meta WHERE key = ?", List.of(UsageStore.STORED_TOTAL)); // a count, but of them
            store.putMeta(UsageStore.FORGOTTEN_AT, Long.toString(now));
        });
        return new Erased(n[0], n[1], n[2], compact(store));
    }

    /**
     * Rewrites the store's file without free pages ({@code VACUUM}) and empties its write-ahead log; returns null, or
     * why it could not now (another server's connection held the file past the busy timeout).
     */
    static String compact(UsageStore store) {
        try {
            store.update("VACUUM", List.of());
            store.query("PRAGMA wal_checkpoint(TRUNCATE)", List.of(), rs -> null);
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }
}
