package dev.warmup.server.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.UsageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * protocol/README.md's {@code warmup/metrics} example names every field the report can hold: every counter, and
 * {@code storeError}, which only a store that cannot be read adds.
 */
class MetricsDocumentationTest {
    @TempDir Path dir;

    @Test
    void theExampleNamesEveryFieldOfTheReport() throws Exception {
        String readme = Files.readString(Path.of("..", "protocol", "README.md"));
        int start = readme.indexOf("`warmup/metrics` → result");
        String example = readme.substring(start, readme.indexOf("`warmup/usageStats` with", start)); // and its text
        Set<String> fields = new TreeSet<>();
        UsageStore store = UsageStore.open(dir.resolve("usage.db"));
        ModelWarmupMetrics metrics = new ModelWarmupMetrics(Clock.systemUTC(), store, new DataDirectory(dir));
        for (ModelWarmupMetrics.Counter c : ModelWarmupMetrics.Counter.values()) {
            metrics.increment(c);
        }
        collect(metrics.toJson(), fields);
        store.close(); // a store that cannot be read (here: closed, as at exit): the report says why
        collect(metrics.toJson(), fields);
        for (String field : fields) {
            assertTrue(example.contains("\"" + field + "\":"), field + " in protocol/README.md's warmup/metrics example");
        }
    }

    private static void collect(JsonObject o, Set<String> into) {
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            into.add(e.getKey());
            if (e.getValue().isJsonObject()) {
                collect(e.getValue().getAsJsonObject(), into);
            }
        }
    }
}
