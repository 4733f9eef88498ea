package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XGBoost's unpacked library leaves the temporary folder once loaded, so that no exit can leave it there. */
class UnpackedLibraryTest {
    @Test
    void onceATrainingHasLoadedTheLibraryItsUnpackedCopyIsGone() throws Exception {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "Linux only");
        float[] x = new float[40];
        float[] y = new float[20];
        for (int i = 0; i < 20; i++) {
            x[2 * i] = i;
            y[i] = i % 2;
        }
        XgbTrainer.train(x, 20, 2, y, XgbTrainer.Params.defaults(0.1));

        assertTrue(Files.readAllLines(maps).stream().anyMatch(l -> l.contains("/libxgboost4j")), "loaded, mapped");
        assertEquals(List.of(), UnpackedLibrary.mapped(), "the copy in java.io.tmpdir is deleted; before, it stayed"
                + " until the JVM exited normally");
    }
}
