package dev.warmup.server.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.inject.AbstractModule;
import com.google.gson.JsonObject;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.resources.ResourceManager;
import dev.warmup.server.resources.SystemProbe;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.UsageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
        String example = example();
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

    @Test
    void theExampleNamesEveryFieldOfTheMachinesReading() throws Exception {
        String example = example();
        SystemProbe limited = () -> new SystemProbe.Snapshot(16_000, 9_000, 0.05,
                List.of(new SystemProbe.MemoryLimit(Set.of("local"), 4096, 1296, "a memory limit")),
                List.of(new SystemProbe.CpuLimit(Set.of("local"), 0.9, 2.0, "a CPU quota")),
                List.of(new SystemProbe.ModelServer(Set.of("local"), 4242, "port 11434, pid 4242")));
        AbstractModule probe = new AbstractModule() {
            @Override
            protected void configure() {
                bind(SystemProbe.class).toInstance(limited);
            }
        };
        try (ServerHarness h = new ServerHarness(dir, probe)) {
            h.initialize(null);
            h.injector.getInstance(ResourceManager.class).refresh();
            JsonObject report = h.commandJson("warmup.metrics");
            Set<String> fields = new TreeSet<>();
            collect(report.getAsJsonObject("machine"), fields);
            assertTrue(fields.size() == 13 && example.contains("\"machine\": {"), String.valueOf(fields));
            for (String field : fields) {
                assertTrue(example.contains("\"" + field + "\":"), field + " in protocol/README.md's warmup/metrics example");
            }
        }
    }

    /** protocol/README.md's warmup/metrics example, and the text that follows it. */
    private static String example() throws IOException {
        String readme = Files.readString(Path.of("..", "protocol", "README.md"));
        int start = readme.indexOf("`warmup/metrics` → result");
        return readme.substring(start, readme.indexOf("`warmup/usageStats` with", start));
    }

    private static void collect(JsonObject o, Set<String> into) {
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            into.add(e.getKey());
            if (e.getValue().isJsonObject()) {
                collect(e.getValue().getAsJsonObject(), into);
            } else if (e.getValue().isJsonArray()) {
                e.getValue().getAsJsonArray().forEach(x -> {
                    if (x.isJsonObject()) {
                        collect(x.getAsJsonObject(), into);
                    }
                });
            }
        }
    }
}
