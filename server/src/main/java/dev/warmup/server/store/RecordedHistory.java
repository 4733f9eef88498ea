package dev.warmup.server.store;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data-dir} of the commands that work on the history recorded there ({@code export}, {@code forget}). */
public final class RecordedHistory {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The servers' data directory, whose usage.db holds the history (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDirectory.defaultPath();

    public Path dataDir() {
        return dataDir;
    }

    /** The store file; refused when nothing was recorded there. */
    public Path store() throws NoSuchFileException {
        Path store = dataDir.resolve("usage.db");
        if (!Files.isRegularFile(store)) {
            throw new NoSuchFileException(store.toString(), null, "no usage history recorded there (--data-dir)");
        }
        return store;
    }
}
