package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.inferred;
import static dev.warmup.server.scheduler.WarmingFixture.pastTheReportWindow;
import static dev.warmup.server.scheduler.WarmingFixture.settings;
import static dev.warmup.server.scheduler.WarmingFixture.startWithCoderWarm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.ActivityParams;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.FakeProcesses;
import dev.warmup.server.store.ProcessIdentity;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests no editor reported, seen on the model server (Ollama's keep-alive moved, or the model loaded by someone
 * else), become uses the predictor learns from: at once for a model whose uses nobody reports, after the minute a
 * report is given otherwise; reported ones, our own loads and renewals, and another warm-up server's do not; a use
 * one window's server recorded is not recorded again by another.
 */
class InferredUsesTest {
    @TempDir Path dir;

    private final ProcessIdentity self = new ProcessIdentity(2001, 7);
    private final ProcessIdentity other = new ProcessIdentity(2002, 7);
    private final Set<ProcessIdentity> running = ConcurrentHashMap.newKeySet();

    @Test
    void aKeepAliveMoveNobodyReportsIsAUseOfTheModel() throws Exception {
        running.add(self);
        try (FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir, new FakeProcesses(self, running).module())) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama); // loaded by us: no use of anyone's
            scheduler.tick().get(30, TimeUnit.SECONDS); // reads its keep-alive
            long before = inferred(h).size();
            h.clock.advance(Duration.ofSeconds(5)); // our editor's request moves it: reported, so not inferred
            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 40L, false));
            h.flush();
            ollama.expires("coder", h.clock.instant().plusSeconds(1800).toString());
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            pastTheReportWindow(h, scheduler);
            assertEquals(before, inferred(h).size(), "a reported use is not inferred again");

            long hitsBefore = metrics(h).get("hits").getAsLong(); // the reported use's included
            ollama.expires("coder", h.clock.instant().plusSeconds(300).toString()); // an extension that does not report
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            long seenAt = h.clock.millis();
            h.flush();
            assertEquals(before, inferred(h).size(), "coder's uses are reported here: a report may be on its way");
            pastTheReportWindow(h, scheduler);
            List<UsageEvent> uses = inferred(h);
            assertEquals(before + 1, uses.size());
            UsageEvent use = uses.get(uses.size() - 1);
            assertEquals("completion", use.task()); // the model's task, dated when the move was seen
            assertEquals(seenAt, use.at());
            assertEquals(1, counter(h));
            assertEquals(1, metrics(h).get("hits").getAsLong() - hitsBefore, "it found the model warm");
        }
    }

    @Test
    void ourLoadIsNoUseThoughOllamaListsTheLoadingModelAsExpiringAKeepAliveFromEachLook() throws Exception {
        running.add(self);
        try (FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir, new FakeProcesses(self, running).module())) {
            ollama.keepAliveOn(h.clock);
            CompletableFuture<Void> gate = ollama.gate("coder");
            WarmupScheduler scheduler = WarmingFixture.start(h, ollama);
            scheduler.tick().get(30, TimeUnit.SECONDS); // starts our load of coder, which Ollama takes long over
            ollama.loading("coder").get(30, TimeUnit.SECONDS);
            for (int look = 0; look < 3; look++) { // each look: coder loading, expiring 30 minutes from now
                h.clock.advance(Duration.ofSeconds(10));
                scheduler.tick().get(30, TimeUnit.SECONDS);
            }
            pastTheReportWindow(h, scheduler);
            gate.complete(null);
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(30));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            pastTheReportWindow(h, scheduler);
            assertEquals(List.of(), inferred(h), "our load is nobody's request");
            assertEquals(null, WarmingFixture.coder(h).heldBy(), "ours");
        }
    }

    @Test
    void aModelSomeoneElseLoadsIsAUseAndOneWindowRecordsIt() throws Exception {
        running.addAll(Set.of(self, other));
        try (FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir, new FakeProcesses(self, running).module());
             ServerHarness w = new ServerHarness(dir, new FakeProcesses(other, running).module())) {
            WarmupScheduler scheduler = startWithCoderWarm(h, ollama);
            WarmupScheduler second = startSecond(w, ollama);
            second.tick().get(30, TimeUnit.SECONDS); // both windows have seen big absent
            scheduler.tick().get(30, TimeUnit.SECONDS);
            ollama.loadedElsewhere("big", 1900L << 20); // `ollama run big` in a terminal
            h.clock.advance(Duration.ofSeconds(5));
            w.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS); // nobody reports big's uses: recorded at once ...
            h.flush();
            second.tick().get(30, TimeUnit.SECONDS); // ... so not by the second window, which finds it in the store
            w.flush();
            List<UsageEvent> uses = inferred(h).stream().filter(e -> e.model().equals("big")).toList();
            assertEquals(1, uses.size(), uses.toString());
            assertEquals("refactoring", uses.get(0).task());
            assertEquals(h.clock.millis(), uses.get(0).at(), "when it was seen, not a minute later");
            assertEquals(0, inferred(h).stream().filter(e -> e.model().equals("coder")).count(), "our own load");
            assertEquals(1, metrics(h).get("misses").getAsLong(), "a cold load, in the window that recorded it");
            assertEquals(0, metrics(w).get("misses").getAsLong());
            // and warmup.compare replays it with the reported ones, saying how many were inferred
            com.google.gson.JsonObject compared = new com.google.gson.Gson().toJsonTree(h.command("warmup.compare"))
                    .getAsJsonObject();
            assertEquals(1, compared.get("inferredRequests").getAsInt());
            assertEquals(1, compared.getAsJsonObject("requests").get("refactoring").getAsInt());
            assertTrue(compared.get("summary").getAsString().contains("(1 of them seen on the model server, not"
                    + " reported)"), compared.get("summary").getAsString());
        }
    }

    @Test
    void aWindowWhoseEditorLostTheFocusLeavesTheRequestToTheOneInFront() throws Exception {
        running.addAll(Set.of(self, other));
        try (FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir, new FakeProcesses(self, running).module());
             ServerHarness w = new ServerHarness(dir, new FakeProcesses(other, running).module())) {
            WarmupScheduler front = startWithCoderWarm(h, ollama);
            WarmupScheduler behind = startSecond(w, ollama);
            h.server.getWarmupService().activity(new ActivityParams("windowFocused"));
            w.server.getWarmupService().activity(new ActivityParams("windowBlurred"));
            h.flush();
            w.flush();
            behind.tick().get(30, TimeUnit.SECONDS);
            front.tick().get(30, TimeUnit.SECONDS);
            ollama.loadedElsewhere("big", 1900L << 20);
            h.clock.advance(Duration.ofSeconds(1));
            w.clock.advance(Duration.ofSeconds(1));
            behind.tick().get(30, TimeUnit.SECONDS); // sees it first, but its editor is behind: leaves it a moment
            front.tick().get(30, TimeUnit.SECONDS);
            h.flush();
            w.clock.advance(Duration.ofMillis(InferredUses.BLURRED_DEFER_MILLIS));
            behind.tick().get(30, TimeUnit.SECONDS); // then finds it recorded
            w.flush();
            assertEquals(1, inferred(h).stream().filter(e -> e.model().equals("big")).count());
            assertEquals(1, counter(h));
            assertEquals(null, metrics(w).getAsJsonObject("counters").get("inferredUses"));
        }
    }

    @Test
    void twoWindowsThatSeeOneRequestAtOnceRecordItOnce() throws Exception {
        running.addAll(Set.of(self, other));
        try (FakeOllamaServer ollama = new FakeOllamaServer();
             ServerHarness h = new ServerHarness(dir, new FakeProcesses(self, running).module());
             ServerHarness w = new ServerHarness(dir, new FakeProcesses(other, running).module())) {
            startWithCoderWarm(h, ollama);
            startSecond(w, ollama);
            ModelSpec big = h.injector.getInstance(ConfigurationManager.class).current().models().stream()
                    .filter(m -> m.id().equals("big")).findFirst().orElseThrow();
            long t = h.clock.millis();
            // each saw the request between its last look and now; neither's event pipeline has written it yet
            h.injector.getInstance(InferredUses.class).record(big, t - 5_000, t, false);
            w.injector.getInstance(InferredUses.class).record(big, t - 4_000, t + 300, false);
            h.flush();
            w.flush();
            assertEquals(1, inferred(h).stream().filter(e -> e.model().equals("big")).count());
            // a request after both looks is a new use, whichever window sees it
            w.injector.getInstance(InferredUses.class).record(big, t + 300, t + 9_000, true);
            w.flush();
            assertEquals(2, inferred(h).stream().filter(e -> e.model().equals("big")).count());
            // and so is one seen at the next look, made after the look that saw the last (dated that look)
            w.injector.getInstance(InferredUses.class).record(big, t + 9_000, t + 9_500, true);
            w.flush();
            assertEquals(3, inferred(h).stream().filter(e -> e.model().equals("big")).count());
        }
    }

    /** A second window's server on the same data directory and Ollama, started; its scheduler, not yet ticked. */
    private static WarmupScheduler startSecond(ServerHarness w, FakeOllamaServer ollama) throws Exception {
        w.initialize(settings(ollama.url()));
        w.startPrediction();
        return w.injector.getInstance(WarmupScheduler.class);
    }


    private static long counter(ServerHarness h) throws Exception {
        return metrics(h).getAsJsonObject("counters").get("inferredUses").getAsLong();
    }

    private static com.google.gson.JsonObject metrics(ServerHarness h) {
        return h.injector.getInstance(dev.warmup.server.metrics.ModelWarmupMetrics.class).toJson();
    }
}
