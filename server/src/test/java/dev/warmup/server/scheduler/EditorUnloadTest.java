package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.coder;
import static dev.warmup.server.scheduler.WarmingFixture.startWithTheEditorLoading;
import static dev.warmup.server.scheduler.WarmingFixture.warm;
import static dev.warmup.server.scheduler.WarmingFixture.withCoderLoadSentToTheEditor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.protocol.ModelState;
import dev.warmup.protocol.ModelStateParams;
import dev.warmup.protocol.UnloadParams;
import dev.warmup.server.lsp.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model the editor loads (the client backend) is also unloaded by it: once the plan has stopped wanting it for the
 * grace, the editor is sent {@code warmup/unload} with the reason, once, and the status shows the model unloaded.
 */
class EditorUnloadTest {
    @TempDir Path dir;

    @Test
    void aModelTheEditorLoadedIsUnloadedThroughItOnceUnwantedForTheGrace() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = coderWarmThroughTheEditor(h);
            assertEquals(List.of(), h.client.unloads);

            h.clock.advance(Duration.ofHours(2)); // the developer left: nothing is forecast any more
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), h.client.unloads, "held through the grace");
            assertEquals("warm", coder(h).state());

            h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.unloads, l -> !l.isEmpty(), Duration.ofSeconds(30));
            h.client.await(h.client.statuses, l -> !warm(l.subList(l.size() - 1, l.size()), "coder"),
                    Duration.ofSeconds(30)); // the unload taken on the scheduler's thread
            assertEquals(List.of(new UnloadParams("coder", "not expected soon enough to keep (p=0.00 within 300 s)")),
                    h.client.unloads, "with its reason");
            assertEquals("unloaded", coder(h).state());
            assertEquals("not expected soon enough to keep (p=0.00 within 300 s)", coder(h).unloadReason(),
                    "the status says why too");
            h.server.getWarmupService().modelState(new ModelStateParams("coder", ModelState.unloaded, null, null,
                    null)); // the editor's answer, as both plugins send it
            h.flush();
            assertEquals("not expected soon enough to keep (p=0.00 within 300 s)", coder(h).unloadReason(),
                    "still why after the editor's answer");

            h.clock.advance(Duration.ofMinutes(1));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(1, h.client.unloads.size(), "told once: " + h.client.unloads);
            assertEquals(1, h.client.loads.size(), "and not loaded again: " + h.client.loads);
        }
    }

    @Test
    void aModelTheEditorCouldNotUnloadIsShownWarmAndAskedAgainAfterTheGrace() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = coderWarmThroughTheEditor(h);
            h.clock.advance(Duration.ofHours(2).plusMillis(SustainedUnloads.GRACE_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.unloads, l -> !l.isEmpty(), Duration.ofSeconds(30));
            h.client.await(h.client.statuses, l -> !warm(l.subList(l.size() - 1, l.size()), "coder"),
                    Duration.ofSeconds(30));

            h.server.getWarmupService().modelState(new ModelStateParams("coder", ModelState.ready, null, null,
                    null)); // the editor's answer when its handler failed the unload: loaded still
            h.client.await(h.client.statuses, l -> warm(l.subList(l.size() - 1, l.size()), "coder"),
                    Duration.ofSeconds(30));
            assertEquals(1500, coder(h).memoryMb(), "its memory counted again");
            scheduler.tick().get(30, TimeUnit.SECONDS);
            assertEquals(1, h.client.unloads.size(), "not asked again at once: " + h.client.unloads);

            h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.unloads, l -> l.size() == 2, Duration.ofSeconds(30));
            assertEquals(1, h.client.loads.size(), "nor loaded again: " + h.client.loads);
        }
    }

    @Test
    void aModelTheEditorAnnouncesToAServerJustStartedIsManagedAsOneItLoaded() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            WarmupScheduler scheduler = startWithTheEditorLoading(h);
            h.server.getWarmupService().modelState(new ModelStateParams("coder", ModelState.ready, null, null,
                    null)); // the VS Code extension's announcement of what its handler held for the server before
            h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.flush(); // what the tick sent the editor has arrived
            assertEquals(List.of(), h.client.loads, "warm already: not loaded again");

            h.clock.advance(Duration.ofHours(2));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.clock.advance(Duration.ofMillis(SustainedUnloads.GRACE_MILLIS));
            scheduler.tick().get(30, TimeUnit.SECONDS);
            h.client.await(h.client.unloads, l -> l.size() == 1, Duration.ofSeconds(30));
            assertEquals("coder", h.client.unloads.get(0).model(), "unloaded once unwanted, as one this server loaded");
        }
    }

    /** The scheduler, once the editor has answered its load of coder: coder is warm, loaded by the editor. */
    private static WarmupScheduler coderWarmThroughTheEditor(ServerHarness h) throws Exception {
        WarmupScheduler scheduler = withCoderLoadSentToTheEditor(h);
        h.server.getWarmupService().modelState(new ModelStateParams("coder", ModelState.ready, 3000L, 1500, null));
        h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
        return scheduler;
    }
}
