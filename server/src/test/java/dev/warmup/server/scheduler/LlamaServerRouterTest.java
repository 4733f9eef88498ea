package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.loadsPlanned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.protocol.ModelUsedParams;
import dev.warmup.server.backend.fake.FakeLlamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.FakeProcesses;
import dev.warmup.server.store.ProcessIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What llama-server's router does by itself, as the scheduler sees it. It puts an idle model to sleep
 * ({@code --sleep-idle-seconds}: its weights freed, its process kept): the scheduler takes that for an unload the
 * model server did by itself: not warm, left alone for a while, then woken with a completion request, since the router
 * refuses to load a model whose instance still runs. And it answers our unload at once but lists the model loaded
 * until its process has exited: the scheduler takes that for the unload under way.
 */
class LlamaServerRouterTest {
    @TempDir Path dir;
    /** The processes of two editor windows' servers, both running: the one a test looks from, and another. */
    private static final ProcessIdentity MINE = new ProcessIdentity(1001, 7);
    private static final ProcessIdentity OTHER = new ProcessIdentity(1002, 7);
    /** A window's server that has exited by the time the test looks. */
    private static final ProcessIdentity GONE = new ProcessIdentity(1003, 7);

    /** A server as {@code process} runs it, on the test's data directory. */
    private ServerHarness window(ProcessIdentity process) throws java.io.IOException {
        return new ServerHarness(dir, new FakeProcesses(process, Set.of(MINE, OTHER)).module());
    }

    private static long requests(FakeLlamaServer s, String start) {
        return s.requests.stream().filter(r -> r.startsWith(start)).count();
    }

    @Test
    void aModelWeUnloadedIsNotWarmWhileItsProcessExitsNorTakenBackAsEvicted() throws Exception {
        try (FakeLlamaServer llama = new FakeLlamaServer("coder"); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = unloadedWhileItsProcessExits(h, llama);
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals("unloaded", WarmingFixture.coder(h).state(), "on its way out, not warm again");

            llama.exited("coder");
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            budget(h, llama, 2048); // room again: coder is wanted back at once, not held off as the router's eviction
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l.subList(l.size() - 1, l.size()), "coder"),
                    Duration.ofSeconds(30));
            assertEquals(2, requests(llama, "POST /models/load"));
            WarmingFixture.pastTheReportWindow(h, scheduler);
            assertEquals(List.of(), WarmingFixture.inferred(h), "no one else's load");
            assertEquals(null, WarmingFixture.coder(h).heldBy());
        }
    }

    @Test
    void aModelTheEditorUsesSoonAfterOurUnloadIsWarmAndOursAtTheNextLook() throws Exception {
        try (FakeLlamaServer llama = new FakeLlamaServer("coder"); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = unloadedWhileItsProcessExits(h, llama);
            // before a look sees it gone, the editor's request has the router load it again (the router still
            // listing it, as the slow exit does, is what a look sees either way), and the editor reports the use
            h.clock.advance(Duration.ofSeconds(5));
            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 900L, true));
            h.flush();
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals("warm", WarmingFixture.coder(h).state(), "the router lists it and the editor just used it");
            assertEquals(null, WarmingFixture.coder(h).heldBy(), "ours: used through this editor");
        }
    }

    @Test
    void aModelAnotherWindowUsesSoonAfterOurUnloadIsSeenHeldThereAtTheNextLook() throws Exception {
        try (FakeLlamaServer llama = new FakeLlamaServer("coder");
             ServerHarness h = window(MINE); ServerHarness second = window(OTHER)) {
            WarmupScheduler scheduler = unloadedWhileItsProcessExits(h, llama);
            second.initialize(WarmingFixture.coderOn("llamacpp", llama.url())); // the other window's editor
            second.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 900L, true));
            second.flush(); // its request had the router load coder again
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals("warm", WarmingFixture.coder(h).state(), "loaded again, for the other window");
            assertEquals(dev.warmup.protocol.ModelStatus.ANOTHER_SERVER, WarmingFixture.coder(h).heldBy());
        }
    }

    @Test
    void aUseReportedAsOurUnloadIsAnsweredIsOfARequestBeforeIt() throws Exception {
        try (FakeLlamaServer llama = new FakeLlamaServer("coder"); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = unloadedWhileItsProcessExits(h, llama);
            h.clock.advance(Duration.ofMillis(ModelServerSightings.REPORT_LAG_MILLIS));
            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 900L, false));
            h.flush();
            h.clock.advance(Duration.ofSeconds(3));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals("unloaded", WarmingFixture.coder(h).state(), "still on its way out");
        }
    }

    /**
     * Coder warmed on {@code llama}, then unloaded for a budget it no longer fits, its process exiting slowly: the
     * router still lists it; the scheduler, ticking on its own (its next periodic tick an hour away).
     */
    private static WarmupScheduler unloadedWhileItsProcessExits(ServerHarness h, FakeLlamaServer llama)
            throws Exception {
        WarmupScheduler scheduler = WarmingFixture.startWithCoderOn(h, "llamacpp", llama.url());
        scheduler.tick().get(30, TimeUnit.SECONDS);
        h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(30));
        scheduler.start(3600);
        scheduler.tick().get(30, TimeUnit.SECONDS);
        llama.exitsSlowly = true;
        budget(h, llama, 1000); // below coder's 1500 MB: unloaded at once
        llama.asked("POST /models/unload", 1).get(30, TimeUnit.SECONDS);
        h.client.await(h.client.statuses, l -> !WarmingFixture.warm(l.subList(l.size() - 1, l.size()), "coder"),
                Duration.ofSeconds(30));
        assertEquals("loaded", llama.state("coder"), "its process still exiting");
        return scheduler;
    }

    @Test
    void aModelNamedByAnAliasStaysOursWhenTheRouterWasNotUpAtTheFirstLook() throws Exception {
        try (FakeLlamaServer llama = new FakeLlamaServer("coder-q4"); ServerHarness h = new ServerHarness(dir)) {
            llama.aliases.put("coder-q4", List.of("coder")); // the catalogue names it by its preset's alias
            llama.downFor.set(Integer.MAX_VALUE); // still starting when the editor's server does: aliases unknown yet
            WarmupScheduler scheduler = WarmingFixture.startWithCoderOn(h, "llamacpp", llama.url());
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> WarmingFixture.failedLoads(l, "coder") == 1, Duration.ofSeconds(30));
            llama.downFor.set(0);
            h.clock.advance(Duration.ofSeconds(30)); // the calls the failures paused (WMP-8005) may go again
            scheduler.tick().get(30, TimeUnit.SECONDS); // it answers again: the load is tried at once
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l.subList(l.size() - 1, l.size()), "coder"),
                    Duration.ofSeconds(30));
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS); // a look at what the router now lists as coder-q4
            assertEquals("warm", WarmingFixture.coder(h).state());
            assertEquals(null, WarmingFixture.coder(h).heldBy(), "ours, not another program's");
            assertEquals(List.of("coder-q4"), claims(h), "claimed under the name the router lists, not the alias");
        }
    }

    @Test
    void aModelNamedByAnAliasLoadedBeforeTheFirstLookAnsweredStaysOurs() throws Exception {
        try (FakeLlamaServer llama = new FakeLlamaServer("coder-q4"); ServerHarness h = new ServerHarness(dir)) {
            llama.aliases.put("coder-q4", List.of("coder"));
            llama.downFor.set(1); // the first look fails; by the load, the router answers
            WarmupScheduler scheduler = WarmingFixture.startWithCoderOn(h, "llamacpp", llama.url());
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(30));
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS); // the router lists coder-q4: whose is it?
            assertEquals("warm", WarmingFixture.coder(h).state());
            assertEquals(null, WarmingFixture.coder(h).heldBy(), "ours, claimed as coder before the alias was known");
            assertEquals(List.of("coder-q4"), claims(h));
        }
    }

    @Test
    void aUseReportedUnderAnAliasBeforeTheFirstLookIsClaimedUnderTheNameTheRouterLists() throws Exception {
        try (FakeLlamaServer llama = new FakeLlamaServer("coder-q4"); ServerHarness h = new ServerHarness(dir)) {
            llama.aliases.put("coder-q4", List.of("coder"));
            llama.put("coder-q4", "loaded"); // the editor's AI extension asked the router for it
            WarmupScheduler scheduler = WarmingFixture.startWithCoderOn(h, "llamacpp", llama.url());
            // before any look: the alias is not known yet
            h.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 80L, false));
            h.flush();
            assertEquals(List.of("coder"), claims(h), "claimed under the catalogue's name");
            scheduler.tick().get(30, TimeUnit.SECONDS); // the first look: the router lists coder-q4
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(null, WarmingFixture.coder(h).heldBy(), "ours, used through this editor");
            assertEquals(List.of("coder-q4"), claims(h), "the claim moved to the name the router lists");
        }
    }

    @Test
    void aModelAnotherWindowClaimedUnderAnAliasIsSeenHeldThereBeforeThatWindowLooksAtTheRouter() throws Exception {
        try (FakeLlamaServer llama = new FakeLlamaServer("coder-q4");
             ServerHarness h = window(MINE); ServerHarness second = window(OTHER)) {
            llama.aliases.put("coder-q4", List.of("coder"));
            llama.put("coder-q4", "loaded"); // the other window's AI extension asked the router for it
            second.initialize(WarmingFixture.coderOn("llamacpp", llama.url())); // which has not looked at it yet
            second.server.getWarmupService().modelUsed(new ModelUsedParams("coder", "completion", null, 80L, false));
            second.flush();
            assertEquals(List.of("coder"), claims(second), "claimed there under the catalogue's name");
            WarmupScheduler scheduler = WarmingFixture.startWithCoderOn(h, "llamacpp", llama.url());
            scheduler.tick().get(30, TimeUnit.SECONDS); // this window's look: the router lists coder-q4
            assertEquals(dev.warmup.protocol.ModelStatus.ANOTHER_SERVER, WarmingFixture.coder(h).heldBy(),
                    "the other window's, not another program's");
            second.startPrediction();
            second.injector.getInstance(WarmupScheduler.class).tick().get(30, TimeUnit.SECONDS); // its first look
            assertEquals(List.of("coder-q4"), claims(second), "its claim moved to the name the router lists");
            h.clock.advance(Duration.ofSeconds(5));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(dev.warmup.protocol.ModelStatus.ANOTHER_SERVER, WarmingFixture.coder(h).heldBy(),
                    "still the other window's");
        }
    }

    @Test
    void aModelAnExitedWindowClaimedUnderAnAliasIsTakenOverUnderTheNameTheRouterLists() throws Exception {
        try (FakeLlamaServer llama = new FakeLlamaServer("coder-q4"); ServerHarness h = window(MINE)) {
            llama.aliases.put("coder-q4", List.of("coder"));
            llama.put("coder-q4", "loaded"); // the closed window's AI extension asked the router for it
            try (ServerHarness closed = window(GONE)) { // which never looked at the router
                closed.initialize(WarmingFixture.coderOn("llamacpp", llama.url()));
                closed.server.getWarmupService().modelUsed(
                        new ModelUsedParams("coder", "completion", null, 80L, false));
                closed.flush();
                assertEquals(List.of("coder"), claims(closed), "claimed there under the catalogue's name");
            }
            WarmupScheduler scheduler = WarmingFixture.startWithCoderOn(h, "llamacpp", llama.url());
            scheduler.tick().get(30, TimeUnit.SECONDS); // this window's look: the router lists coder-q4
            assertEquals(null, WarmingFixture.coder(h).heldBy(), "left by a server that has exited: ours");
            assertEquals(List.of("coder-q4"), claims(h), "claimed under the listed name, the exited claim gone");
        }
    }

    /** The model names the store's record of held models has claims for. */
    private static List<String> claims(ServerHarness h) throws Exception {
        return h.injector.getInstance(dev.warmup.server.store.UsageStore.class).query(
                "SELECT model FROM model_owners ORDER BY model", List.of(), rs -> {
                    List<String> names = new java.util.ArrayList<>();
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                    return names;
                });
    }

    /** Sets {@code maxMemoryMb} (the settings of {@link WarmingFixture#startWithCoderOn} otherwise). */
    private static void budget(ServerHarness h, FakeLlamaServer llama, int mb) throws Exception {
        JsonObject s = JsonParser.parseString(WarmingFixture.coderOn("llamacpp", llama.url())).getAsJsonObject();
        s.addProperty("maxMemoryMb", mb);
        h.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(
                JsonParser.parseString("{\"warmup\": " + s + "}")));
        h.flush();
    }

    @Test
    void aModelPutToSleepIsLeftAloneForAWhileThenWoken() throws Exception {
        try (FakeLlamaServer llama = new FakeLlamaServer("coder"); ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = WarmingFixture.startWithCoderOn(h, "llamacpp", llama.url());
            llama.beforeLoad = () -> h.clock.advance(Duration.ofSeconds(3)); // the time a load takes
            llama.beforeCompletion = llama.beforeLoad; // and a wake, which reads the weights again
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l, "coder"), Duration.ofSeconds(30));
            assertEquals(1, requests(llama, "POST /models/load"));

            llama.put("coder", "sleeping");
            scheduler.tick().get(30, TimeUnit.SECONDS); // sees it gone
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals("sleeping", llama.state("coder"), "not woken straight back");
            assertEquals("unloaded", h.status().models().get(0)
                    .state());
            assertTrue(loadsPlanned(h).contains("coder"), "though the plan still wants it: " + loadsPlanned(h));

            h.clock.advance(Duration.ofMillis(LoadBackoff.EVICTED_HOLD_OFF_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.statuses, l -> WarmingFixture.warm(l.subList(l.size() - 1, l.size()), "coder"),
                    Duration.ofSeconds(30));
            assertEquals("loaded", llama.state("coder"));
            assertEquals(1, requests(llama, "POST /completion "), "woken by a completion request");
            assertEquals(1, requests(llama, "POST /models/load"), "not asked to load: the router would refuse");
            assertEquals(0, WarmingFixture.warmups(h, "failed"));
        }
    }
}
