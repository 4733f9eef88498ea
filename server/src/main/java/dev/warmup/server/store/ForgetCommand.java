package dev.warmup.server.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code forget}: what {@code warmup.forgetHistory} does from a running server, without an editor (for one whose
 * client has no command for it): the history recorded in a data directory and the files learnt from it, deleted
 * ({@link HistoryEraser}). Servers using the directory meanwhile forget what they learnt at their next event or
 * scheduling tick a minute or more later.
 */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Deletes the usage history recorded in a data directory (every event, count by day and "
                + "metrics snapshot), the model trained on it and the copies the servers left there (set aside as "
                + "damaged, exported there). This cannot be undone, hence --yes. Servers running on the directory "
                + "forget what they learnt too, within two minutes.",
                "  java -jar warmup-server.jar forget --yes"})
public final class ForgetCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin RecordedHistory history;

    @Option(names = "--yes", description = "Yes, delete it.")
    boolean yes;

    @Override
    public Integer call() throws IOException {
        if (!yes) {
            throw new ParameterException(spec.commandLine(), "this deletes the usage history in "
                    + history.dataDir() + " for good: add --yes");
        }
        Path file = history.store();
        HistoryEraser.Erased gone;
        try (UsageStore store = UsageStore.open(file)) {
            if (store.recoveryNote().filter(n -> n.startsWith("WMP-7006")).isPresent()) { // an in-memory stand-in
                throw new IOException(store.recoveryNote().get());
            }
            gone = HistoryEraser.erase(store, System.currentTimeMillis());
        } catch (SQLException e) {
            throw new IOException("forgetting the history in " + file + ": " + e.getMessage(), e);
        }
        HistoryEraser.Deleted files = HistoryEraser.deleteFiles(new DataDirectory(history.dataDir()));
        spec.commandLine().getOut().println("forgot " + gone.events() + " events, " + gone.dailyCounts()
                + " daily counts and " + gone.metricsSnapshots() + " metrics snapshots in " + file + "; deleted "
                + files.files() + " files learnt from them or holding copies"
                + (gone.notCompacted() == null ? "" : "; the file could not be compacted now: " + gone.notCompacted()));
        if (!files.failures().isEmpty()) {
            throw new IOException(String.join("; ", files.failures()));
        }
        return 0;
    }
}
