package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.store.FullStore;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import dev.warmup.server.usage.UsagePatternAnalyzer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warmup.usageStats} through {@code workspace/executeCommand}, as both editor plugins call it for their
 * metrics view: no argument (every use), a model id, or {@code {model, task}}; anything else is WMP-8003 naming it.
 */
class UsageStatsCommandTest {
    private static final Gson GSON = new Gson();
    @TempDir Path dir;
    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir);
        h.initialize("{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500},"
                + " {\"id\": \"chatter\", \"tasks\": [\"chat\"], \"memoryMb\": 5500}]}");
        var warmup = h.server.getWarmupService();
        warmup.modelUsed(new ModelUsedParams("coder", "completion", "2026-03-02T08:50:00Z", 40L, false));
        warmup.modelUsed(new ModelUsedParams("coder", "completion", "2026-03-02T08:55:00Z", 40L, false));
        warmup.modelUsed(new ModelUsedParams("chatter", "chat", "2026-03-02T08:58:00Z", 900L, true));
        h.flush();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private JsonObject stats(Object... args) throws Exception {
        return GSON.toJsonTree(h.command("warmup.usageStats", args)).getAsJsonObject();
    }

    @Test
    void everyUseAModelsOrATasksAsTheArgumentSays() throws Exception {
        JsonObject all = stats();
        assertEquals(3, all.get("count").getAsInt(), all.toString());
        assertEquals("2026-03-02T08:58:00Z", all.get("lastUsed").getAsString());
        assertEquals(3, all.getAsJsonArray("daily").get(0).getAsJsonObject().get("uses").getAsInt(), all.toString());
        assertEquals(2, stats("coder").get("count").getAsInt());
        assertEquals(2, stats(Map.of("model", "coder", "task", "completion")).get("count").getAsInt());
        assertEquals(1, stats(Map.of("task", "chat")).get("count").getAsInt());
        assertFalse(all.has("complete") || all.has("note"), "every use counted: " + all);
    }

    @Test
    void statisticsReadWhileTheStoreTakesNoEventsSayTheyAreNotComplete() throws Exception {
        UsageStore store = h.injector.getInstance(UsageStore.class);
        FullStore.fill(store, Instant.parse("2026-03-01T08:00:00Z").toEpochMilli()); // inserts fail from now on
        long before = stats("coder").get("count").getAsLong();
        h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 40L, false));
        h.status(); // handled: the use waits for the store
        JsonObject partial = stats("coder"); // after its 5-s wait for the store
        assertEquals(before, partial.get("count").getAsLong(), "what is stored: " + partial);
        assertFalse(partial.get("complete").getAsBoolean(), partial.toString());
        assertEquals("the latest events recorded were still waiting for the usage store, which cannot be written now"
                + " (WMP-7002), and are not in these statistics", partial.get("note").getAsString());
        FullStore.makeRoom(store);
        h.flush();
        JsonObject whole = stats("coder");
        assertEquals(before + 1, whole.get("count").getAsLong(), "stored once there is room: " + whole);
        assertFalse(whole.has("complete"), whole.toString());
    }

    @Test
    void askedWithTheQueueFullTheyAnswerNotCompleteAndNoEventIsSilentlyLost() throws Exception {
        UsageStore store = h.injector.getInstance(UsageStore.class);
        FullStore.fill(store, Instant.parse("2026-03-01T08:00:00Z").toEpochMilli()); // inserts fail from now on
        long stored = store.eventCount();
        ModelWarmupMetrics metrics = h.injector.getInstance(ModelWarmupMetrics.class);
        UsagePatternAnalyzer analyzer = h.injector.getInstance(UsagePatternAnalyzer.class);
        long offered = 0;
        while (metrics.eventsDropped() == 0) { // until the queue is full: the consumer takes less than we offer
            analyzer.recordUsage(UsageEvent.simple(h.clock.millis(), EventKind.CHANGE, null, null));
            offered++;
        }
        JsonObject partial = stats(); // its wait, for room in the queue or for the store, runs out (5 s)
        offered++; // the command itself, an event too
        assertFalse(partial.get("complete").getAsBoolean(), partial.toString());
        assertTrue(partial.get("note").getAsString().contains("WMP-7002"), partial.toString());
        assertEquals("running", h.status().state());
        FullStore.makeRoom(store);
        h.flush();
        assertEquals(offered, store.eventCount() - stored + metrics.eventsDropped(),
                "each event offered is stored once there is room, or was counted as dropped: none silently lost");
        assertFalse(stats().has("complete"));
    }

    @Test
    void anArgumentOfAnotherShapeIsRefusedWithItsCode() throws Exception {
        assertEquals("WMP-8003 Invalid parameters: warmup.usageStats takes a model id or {model, task}; got 42",
                refusal(42).getMessage());
        assertEquals("WMP-8003 Invalid parameters: model must be a string; got 7",
                refusal(Map.of("model", 7)).getMessage());
        assertEquals(3, stats().get("count").getAsInt(), "the server answers on, nothing lost");
    }

    @Test
    void aStoreThatCannotBeReadIsSaidWithItsCodeAndTheServerGoesOn() throws Exception {
        h.injector.getInstance(UsageStore.class).close(); // as a disk that fails under the server
        ResponseError e = refusal("coder");
        assertTrue(e.getMessage().startsWith("WMP-7004 Usage store read failed: reading usage statistics:"),
                e.getMessage());
        assertEquals("running", h.status().state());
        h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 40L, false));
        // not flushed: the event waits in the pipeline, retried until the store takes it (none is dropped)
        assertEquals(h.clock.instant().toString(), h.status()
                .models().get(0).lastUsed(), "the use still shows");
    }

    private ResponseError refusal(Object arg) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> h.command("warmup.usageStats", arg));
        return assertInstanceOf(ResponseErrorException.class, e.getCause()).getResponseError();
    }
}
