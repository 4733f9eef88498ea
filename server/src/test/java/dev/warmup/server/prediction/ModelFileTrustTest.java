package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.warmup.server.JsonMutator;
import dev.warmup.server.errors.WarmupException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A predictor file whose checksum holds can still be wrong: written by a server with a bug, by one that computes
 * other features, or edited by hand and sealed again. The checksum finds damage; these find the rest, so that no
 * file makes a forecast throw at every tick or walk a tree forever.
 */
class ModelFileTrustTest {
    private static final List<String> TASKS = List.of("completion", "chat");
    private static String saved;
    @TempDir Path dir;

    @BeforeAll
    static void train(@TempDir Path tmp) throws Exception {
        LearnedPredictor p = MLModelTrainer.train(PredictionEngineTest.history(0), TASKS, ZoneOffset.UTC, 0.1);
        assertTrue(p.learned() && p.models()[0] != null);
        Path file = tmp.resolve("predictor.json");
        ModelFile.save(file, new ModelFile.Contents(p.tasks(), p.lastTrainedAt(), p.models()));
        saved = Files.readString(file);
    }

    @Test
    void aFileLargerThanAnyPredictorIsDamageAndNotRead() throws Exception {
        Path file = dir.resolve("huge.json"); // zeros, sparse: read whole, one as large as the heap ran it out
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(ModelFile.MAX_BYTES + 1);
        }
        WarmupException e = assertThrows(WarmupException.class, () -> ModelFile.load(file));
        assertEquals("WMP-2001 Prediction model could not be loaded; it was discarded: " + file + ": 33554433 bytes,"
                + " more than a predictor's 33554432", e.getMessage());
        assertTrue(saved.length() < ModelFile.MAX_BYTES / 100, "a predictor is far smaller: " + saved.length());
    }

    @Test
    void aTreeThatSendsANodeBackUpIsDamage() throws Exception {
        Path file = sealed(firstTree(root -> root.addProperty("yes", root.get("nodeid").getAsInt())));
        WarmupException e = assertThrows(WarmupException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().startsWith("WMP-2001") && e.getMessage().contains("not below it"), e.getMessage());
    }

    @Test
    void aTreeThatSendsANodeIntoTheNextTreeIsDamage() throws Exception {
        Path file = sealed(o -> {
            JsonArray trees = o.getAsJsonObject("models").getAsJsonArray("completion");
            JsonObject first = JsonParser.parseString(trees.get(0).getAsString()).getAsJsonObject();
            first.remove("children"); // its children gone: the ids it names are found in the next tree only
            trees.set(0, new JsonPrimitive(first.toString()));
        });
        WarmupException e = assertThrows(WarmupException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().startsWith("WMP-2001"), e.getMessage());
    }

    @Test
    void aSplitOnAFeatureTheServerDoesNotComputeIsDamage() throws Exception {
        Path file = sealed(firstTree(root -> root.addProperty("split", "f" + Features.size(TASKS.size()))));
        WarmupException e = assertThrows(WarmupException.class, () -> ModelFile.load(file));
        assertTrue(e.getMessage().startsWith("WMP-2001") && e.getMessage().contains("feature 26 of 26"),
                e.getMessage());
    }

    @Test
    void aFileTrainedOnOtherFeaturesIsLeftUnreadNotWarnedOf() throws Exception {
        Path renamed = sealed(o -> o.getAsJsonArray("features").set(0, new JsonPrimitive("idleness")));
        assertEquals(Optional.empty(), ModelFile.load(renamed));
        Path unnamed = sealed(o -> o.remove("features")); // as the previous release wrote it
        assertEquals(Optional.empty(), ModelFile.load(unnamed));
        assertTrue(ModelFile.load(sealed(o -> {})).isPresent(), "the file as saved is read");
    }

    @Test
    void whatAMutatedSealedFileLoadsWalksToALeafOnAnyFeatureVector() throws Exception {
        JsonMutator mutator = new JsonMutator(20261130);
        Random values = new Random(7);
        int loaded = 0;
        int refused = 0;
        for (int round = 0; round < 300; round++) {
            Path file = sealed(o -> {
                JsonArray trees = o.getAsJsonObject("models").getAsJsonArray("completion");
                for (int t = 0; t < trees.size(); t++) { // the trees' insides too, not only the strings they are
                    if (mutator.oneIn(4)) {
                        trees.set(t, new JsonPrimitive(mutator.mutate(JsonParser.parseString(trees.get(t)
                                .getAsString())).toString()));
                    }
                }
                if (mutator.oneIn(3)) {
                    JsonElement m = mutator.mutate(o);
                    o.entrySet().clear();
                    if (m.isJsonObject()) {
                        m.getAsJsonObject().entrySet().forEach(f -> o.add(f.getKey(), f.getValue()));
                    }
                }
            });
            Optional<ModelFile.Contents> c;
            try {
                c = ModelFile.load(file);
            } catch (WarmupException e) {
                assertTrue(e.getMessage().startsWith("WMP-2001"), e.getMessage());
                refused++;
                continue;
            }
            loaded++;
            if (c.isEmpty()) {
                continue;
            }
            float[] x = new float[Features.size(c.get().tasks().size())];
            for (TreeEnsemble m : c.get().models()) {
                for (int i = 0; m != null && i < 20; i++) {
                    for (int f = 0; f < x.length; f++) {
                        x[f] = values.nextInt(10) == 0 ? Float.NaN : (float) values.nextGaussian() * 5;
                    }
                    assertTrue(Double.isFinite(m.margin(x)), "a finite margin");
                }
            }
        }
        assertTrue(loaded > 10 && refused > 10, "both kinds met: " + loaded + " read, " + refused + " refused");
    }

    /** Changes the first tree of completion's ensemble. */
    private static Consumer<JsonObject> firstTree(Consumer<JsonObject> change) {
        return o -> {
            JsonArray trees = o.getAsJsonObject("models").getAsJsonArray("completion");
            JsonObject root = JsonParser.parseString(trees.get(0).getAsString()).getAsJsonObject();
            change.accept(root);
            trees.set(0, new JsonPrimitive(root.toString()));
        };
    }

    /** The saved file changed by {@code change} and sealed with a checksum that holds. */
    private Path sealed(Consumer<JsonObject> change) throws Exception {
        JsonObject o = JsonParser.parseString(saved).getAsJsonObject();
        o.remove("sha256");
        change.accept(o);
        o.addProperty("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(o.toString().getBytes(StandardCharsets.UTF_8))));
        Path file = Files.createTempFile(dir, "predictor", ".json");
        Files.writeString(file, o.toString());
        return file;
    }
}
