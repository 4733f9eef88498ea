package dev.warmup.server.store;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.usage.UsageEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.List;
import java.util.logging.Logger;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A damaged store file: telling damage from a file that is only locked, unwritable or newer; moving it aside (kept
 * for inspection); and reading back into the fresh store what {@link StoreSalvage} can still read of it.
 */
final class StoreDamage {
    private static final Logger LOG = Logger.getLogger(StoreDamage.class.getName());

    private StoreDamage() {}

    /** The file's integrity check failed, or its header says what no server writes. */
    static final class Damaged extends SQLException {
        Damaged(String reason) {
            super(reason);
        }
    }

    /** Whether {@code e} says the file is damaged (not locked, unwritable or from a newer server). */
    static boolean isDamage(SQLException e) {
        if (e instanceof Damaged) {
            return true;
        }
        return e instanceof SQLiteException se && (primary(se) == SQLiteErrorCode.SQLITE_CORRUPT.code
                || primary(se) == SQLiteErrorCode.SQLITE_NOTADB.code);
    }

    /** SQLite's primary result code (its extended codes add detail in the higher bits). */
    static int primary(SQLiteException e) {
        return e.getResultCode().code & 0xff;
    }

    /** Moves the file and its -wal and -shm beside it, {@code NAME.corrupt-TIME}; returns where the file went. */
    static Path moveAside(Path file) {
        Path aside = DataDirectory.asideName(file);
        for (String suffix : StoreFile.SUFFIXES) {
            Path p = Path.of(file + suffix);
            try {
                if (Files.exists(p)) {
                    Files.move(p, Path.of(aside + suffix), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                LOG.warning(new WarmupException(ErrorCode.WMP_7002, "moving " + p + " aside: " + e.getMessage())
                        .getMessage());
            }
        }
        return aside;
    }

    /**
     * Reads what can be read of {@code aside} into {@code fresh}: its events are appended (counted by day as they
     * go), then its daily counts replace those where they are higher (they counted events since pruned or lost). A
     * batch that cannot be written is left out, not the rest. Returns the WMP-7001 message that says so.
     */
    static String readBack(Path file, SQLException why, Path aside, UsageStore fresh) {
        StoreSalvage.Result saved = StoreSalvage.salvage(aside, new StoreSalvage.Sink() {
            @Override
            public void events(List<UsageEvent> batch) {
                written(batch.size() + " events", () -> fresh.append(batch));
            }

            @Override
            public void dailyCounts(List<StoreSalvage.DailyCount> batch) {
                written(batch.size() + " daily counts", () -> fresh.mergeDailyCounts(batch));
            }
        });
        return new WarmupException(ErrorCode.WMP_7001, file + " could not be opened (" + why.getMessage()
                + "); moved to " + aside + "; " + saved.events() + (saved.events() == 1 ? " event" : " events")
                + (saved.dailyCounts() > 0 ? " and " + saved.dailyCounts()
                        + (saved.dailyCounts() == 1 ? " daily count" : " daily counts") : "")
                + " read back from it"
                + (saved.skipped() > 0 ? "; SQLite could not read " + saved.skipped() + " stretches of ids or rows" : "")
                + (saved.fromPages() > 0 ? "; " + saved.fromPages() + " rows were read from the file's pages directly"
                        : ""))
                .getMessage();
    }

    private static void written(String what, Transactions.SqlAction write) {
        try {
            write.run();
        } catch (SQLException e) {
            LOG.warning(new WarmupException(ErrorCode.WMP_7002, "reading back a damaged store: " + what
                    + " not written: " + e.getMessage()).getMessage());
        }
    }
}
