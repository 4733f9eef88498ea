package dev.warmup.server.prediction;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.FileTrouble;
import dev.warmup.server.errors.WarmupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live predictor's model file ({@code predictor.json}): its trees installed into each new predictor, and saved
 * after each training. A damaged file is warned of once (WMP-2001) and skipped while it stays as it was, as is one
 * trained on a forgotten history that could not be deleted: once it is replaced (this server's save, or another
 * window's server sharing the data directory) it is read again. A file that cannot be written is logged (WMP-2004)
 * and the trained model serves from memory. Used on the predictor's thread only.
 */
final class PredictorFile {
    private static final Logger LOG = Logger.getLogger(PredictorFile.class.getName());

    private final Path file;
    /** The file being skipped, as it was when it was skipped; null when none is. */
    private Stamp skipped;
    private Consumer<String> warnings = m -> LOG.warning(m);

    PredictorFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** Where the warning about a damaged file goes; the server sends it to the client. */
    void onWarning(Consumer<String> sink) {
        this.warnings = sink;
    }

    /** Installs the saved trees into {@code p} when the file holds trees for its tasks and is not to be skipped. */
    void loadInto(LearnedPredictor p) {
        Stamp now = Stamp.of(file);
        if (skipped != null && skipped.equals(now)) {
            return;
        }
        skipped = null;
        try {
            ModelFile.load(file).filter(c -> c.tasks().equals(p.tasks())).ifPresent(c -> p.install(c.models()));
        } catch (WarmupException e) {
            skipped = now;
            warnings.accept(e.getMessage() + "; it will be retrained from the history");
        }
    }

    /** Saves what {@code p} learnt; returns null, or why it could not (WMP-2004, logged too). */
    String save(LearnedPredictor p) {
        try {
            ModelFile.save(file, new ModelFile.Contents(p.tasks(), p.lastTrainedAt(), p.models()));
            skipped = null;
            return null;
        } catch (IOException e) {
            String why = new WarmupException(ErrorCode.WMP_2004, file + ": " + FileTrouble.why(e, file)).getMessage();
            LOG.log(Level.WARNING, why, e);
            return why;
        }
    }

    /** The history was forgotten: a file still there (it could not be deleted) was trained on it, not to be loaded. */
    void historyForgotten() {
        skipped = Stamp.of(file);
    }

    /**
     * A file as it stands: which file (a save moves a new one into place), when it was last written and its size;
     * null when there is none or it cannot be looked at (then a load finds no file either: {@code Files.exists}
     * resolves the same path and fails the same way, so nothing is warned of).
     */
    private record Stamp(Object key, FileTime modified, long size) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(a.fileKey(), a.lastModifiedTime(), a.size());
            } catch (IOException e) {
                return null;
            }
        }
    }
}
