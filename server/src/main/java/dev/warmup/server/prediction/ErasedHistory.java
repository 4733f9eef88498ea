package dev.warmup.server.prediction;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.HistoryEraser;
import dev.warmup.server.store.UsageStore;
import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * What {@code warmup.forgetHistory} erases outside the predictor, and its answer: the store's history
 * ({@link HistoryEraser}), the events dropped on their way to it counted with its own, the uses counted in this
 * process's metrics (which the next snapshot would store again), and the files that hold the history or were learnt
 * from it.
 */
final class ErasedHistory {
    private static final Logger LOG = Logger.getLogger(ErasedHistory.class.getName());
    private final HistoryEraser.Erased gone;
    private final HistoryEraser.Deleted files;

    private ErasedHistory(HistoryEraser.Erased gone, HistoryEraser.Deleted files) {
        this.gone = gone;
        this.files = files;
    }

    /**
     * Erases the history at {@code now}; {@code unstored} events were dropped before reaching the store. A store that
     * cannot be written is WMP-7002, and nothing else is erased then.
     */
    static ErasedHistory erase(UsageStore store, DataDirectory dataDirectory, ModelWarmupMetrics metrics,
                               int unstored, long now) {
        HistoryEraser.Erased gone;
        try {
            HistoryEraser.Erased erased = HistoryEraser.erase(store, now);
            gone = new HistoryEraser.Erased(erased.events() + unstored, erased.dailyCounts(),
                    erased.metricsSnapshots(), erased.notCompacted());
            metrics.forgetUsage();
        } catch (SQLException e) {
            throw new WarmupException(ErrorCode.WMP_7002, "forgetting the history: " + e.getMessage(), e);
        }
        return new ErasedHistory(gone, HistoryEraser.deleteFiles(dataDirectory));
    }

    /** What was deleted, for the command's answer; WMP-2005 (logged too) when a file could not be deleted. */
    JsonObject answer() {
        if (!files.failures().isEmpty()) {
            String why = "the history is forgotten (" + gone.events() + " events deleted) but "
                    + String.join("; ", files.failures());
            LOG.warning(new WarmupException(ErrorCode.WMP_2005, why).getMessage());
            throw new WarmupException(ErrorCode.WMP_2005, why);
        }
        JsonObject o = new Gson().toJsonTree(gone).getAsJsonObject();
        o.addProperty("compacted", gone.notCompacted() == null);
        o.addProperty("filesDeleted", files.files());
        return o;
    }
}
