package dev.warmup.server.prediction;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.ParseFailure;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.store.DataDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The trained classifiers on disk: {@code {"format": "warmup-predictor", "version": 1, "tasks": [...],
 * "features": [names], "trainedAt": ms, "models": {TASK: [tree dump, ...] | null}, "sha256": HEX}}, the checksum
 * over the same object without it. Written atomically, readable by the user only. A file that does not parse, fails
 * its checksum or holds trees no walk could use is discarded with WMP-2001 (the caller retrains). One of another
 * version, or trained on other features than {@link Features} computes, is no damage: each editor ships its own
 * server, so servers of two versions share the data directory; it is left unread (logged, not warned) and this
 * server trains its own.
 */
public final class ModelFile {
    private static final Logger LOG = Logger.getLogger(ModelFile.class.getName());
    static final String FORMAT = "warmup-predictor";
    static final int VERSION = 1;
    /**
     * A file larger than this is no predictor of ours (one is a few megabytes: trees for each task) but damage, and
     * is not read: read whole, a file of zeros as large as the heap ran the server out of memory at every start.
     */
    static final long MAX_BYTES = 32 << 20;

    private ModelFile() {}

    /** What a model file holds. */
    public record Contents(List<String> tasks, long trainedAt, TreeEnsemble[] models) {}

    public static void save(Path file, Contents contents) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("version", VERSION);
        o.add("tasks", new Gson().toJsonTree(contents.tasks()));
        o.add("features", new Gson().toJsonTree(Features.names(contents.tasks())));
        o.addProperty("trainedAt", contents.trainedAt());
        JsonObject models = new JsonObject();
        for (int k = 0; k < contents.tasks().size(); k++) {
            TreeEnsemble m = contents.models()[k];
            models.add(contents.tasks().get(k), m == null ? null : new Gson().toJsonTree(m.dump()));
        }
        o.add("models", models);
        o.addProperty("sha256", sha256(o.toString()));
        Path tmp = DataDirectory.tempBeside(file); // unique: another server may be saving its model too
        try {
            Files.writeString(tmp, o.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The file's contents; empty when there is no file; WMP-2001 when it is damaged. */
    public static Optional<Contents> load(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new IllegalStateException(size + " bytes, more than a predictor's " + MAX_BYTES);
            }
            JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            JsonElement sum = o.remove("sha256");
            if (sum == null || !sum.getAsString().equals(sha256(o.toString()))) {
                throw new IllegalStateException("checksum mismatch");
            }
            if (!FORMAT.equals(o.get("format").getAsString())) {
                throw new IllegalStateException("format " + o.get("format"));
            }
            if (o.get("version").getAsInt() != VERSION) {
                LOG.info(file + " was written by a server of another version (predictor format "
                        + o.get("version") + ", this one reads " + VERSION + "): not read; this server trains its own");
                return Optional.empty();
            }
            List<String> tasks = new ArrayList<>();
            o.getAsJsonArray("tasks").forEach(t -> tasks.add(t.getAsString()));
            List<String> features = Features.names(tasks);
            if (!new Gson().toJsonTree(features).equals(o.get("features"))) {
                LOG.info(file + " was trained on other features than this server computes (or written before the"
                        + " file named them): not read; this server trains its own");
                return Optional.empty();
            }
            TreeEnsemble[] models = new TreeEnsemble[tasks.size()];
            JsonObject m = o.getAsJsonObject("models");
            for (int k = 0; k < tasks.size(); k++) {
                JsonElement trees = m.get(tasks.get(k));
                if (trees != null && !trees.isJsonNull()) {
                    List<String> dump = new ArrayList<>();
                    ((JsonArray) trees).forEach(t -> dump.add(t.getAsString()));
                    models[k] = TreeEnsemble.fromJsonDump(dump);
                    if (models[k].features() > features.size()) {
                        throw new IllegalStateException(tasks.get(k) + "'s trees split on feature "
                                + (models[k].features() - 1) + " of " + features.size());
                    }
                }
            }
            return Optional.of(new Contents(tasks, o.get("trainedAt").getAsLong(), models));
        } catch (IOException | RuntimeException e) {
            throw new WarmupException(ErrorCode.WMP_2001, file + ": " + ParseFailure.reason(e,
                    e.getClass().getSimpleName()), e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
