package dev.warmup.server.store;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data-dir} of the commands that work on the history recorded there ({@code export}, {@code forget}). */
public final class RecordedHistory {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The servers' data directory, whose usage.db holds the history (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDirectory.defaultPath().orElse(null);

    /** The data directory; refused when none was given and there is no home directory to find the default in. */
    public Path dataDir() {
        if (dataDir == null) {
            throw new IllegalArgumentException("no home directory to find the data directory in (user.home is '"
                    + System.getProperty("user.home") + "'): pass --data-dir DIR");
        }
        return dataDir;
    }

    /** The store file; refused when nothing was recorded there. */
    public Path store() throws NoSuchFileException {
        Path store = dataDir().resolve("usage.db");
        if (!Files.isRegularFile(store)) {
            throw new NoSuchFileException(store.toString(), null, "no usage history recorded there (--data-dir)");
        }
        NativeLibraries.unpackInto(dataDir());
        return store;
    }
}
