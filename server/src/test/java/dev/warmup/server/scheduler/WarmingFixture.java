package dev.warmup.server.scheduler;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.protocol.ModelStatus;
import dev.warmup.protocol.PredictParams;
import dev.warmup.protocol.ScheduledWarmup;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the end-to-end scheduler tests share: the settings, an hour of use, the start, and readings. */
final class WarmingFixture {
    private WarmingFixture() {}

    static String settings(String url) {
        return "{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\": \"" + url + "\"}}, \"models\": ["
                + "{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500, \"loadSeconds\": 3, "
                + "\"backend\": \"local\"}, {\"id\": \"big\", \"tasks\": [\"refactoring\"], \"memoryMb\": 1900, "
                + "\"loadSeconds\": 20, \"backend\": \"local\"}]}";
    }

    /** A developer using completion every half minute for the last hour. */
    static List<UsageEvent> recentCompletionUse(long now) {
        List<UsageEvent> events = new ArrayList<>();
        for (long t = now - 3_600_000; t < now; t += 30_000) {
            events.add(UsageEvent.simple(t, EventKind.CHANGE, null, null));
            events.add(new UsageEvent(t + 1000, EventKind.MODEL_USED, null, "completion", "coder", null, null, 0, 0,
                    -1, -1, 50, false));
        }
        return events;
    }

    /** A server with an hour of completion use behind it, warming on {@code ollama}; its scheduler, not yet ticked. */
    static WarmupScheduler start(ServerHarness h, FakeOllamaServer ollama) throws Exception {
        ollama.loadsTake(h.clock, Duration.ofSeconds(2));
        h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
        h.initialize(settings(ollama.url()));
        h.startPrediction();
        return h.injector.getInstance(WarmupScheduler.class);
    }

    /**
     * A server whose two models, coder and big, both serve completion (4,096 MB: room for both), with an hour of
     * completion use behind it spread over both, warming on {@code ollama}; {@code more} is added to the settings
     * ({@code maxConcurrentLoads} stays 1: the two load one after the other). Its scheduler, not yet ticked.
     */
    static WarmupScheduler startWithBothWanted(ServerHarness h, FakeOllamaServer ollama, JsonObject more)
            throws Exception {
        return startWithBothWanted(h, bothWantedSettings(ollama, more));
    }

    /** {@link #startWithBothWanted}, with {@code settings} of the caller's own (coder and big for completion). */
    static WarmupScheduler startWithBothWanted(ServerHarness h, String settings) throws Exception {
        List<UsageEvent> uses = new ArrayList<>(recentCompletionUse(h.clock.millis()));
        for (UsageEvent e : recentCompletionUse(h.clock.millis())) { // completion goes to both models, in turn
            if (e.model() != null && (e.at() / 30_000) % 2 == 0) {
                uses.add(new UsageEvent(e.at() + 2000, e.kind(), null, e.task(), "big", null, null, 0, 0, -1, -1,
                        50, false));
            }
        }
        h.injector.getInstance(UsageStore.class).append(uses);
        h.initialize(settings);
        h.startPrediction();
        return h.injector.getInstance(WarmupScheduler.class);
    }

    /** {@link #startWithBothWanted}'s {@code warmup} settings: both models for completion, 4,096 MB, {@code more}. */
    static String bothWantedSettings(FakeOllamaServer ollama, JsonObject more) {
        JsonObject s = JsonParser.parseString(settings(ollama.url())).getAsJsonObject();
        s.addProperty("maxMemoryMb", 4096);
        s.getAsJsonArray("models").get(1).getAsJsonObject().add("tasks", JsonParser.parseString("[\"completion\"]"));
        more.entrySet().forEach(e -> s.add(e.getKey(), e.getValue()));
        return s.toString();
    }

    /** Of coder and big, started by {@link #startWithBothWanted} and loaded one at a time: the one loading now. */
    static String theOneLoading(ServerHarness h) throws Exception {
        return state(h, "coder").equals("loading") ? "coder" : "big";
    }

    /** Of coder and big: the other one. */
    static String theOther(String model) {
        return model.equals("coder") ? "big" : "coder";
    }

    /** The state {@code warmup/status} shows for {@code model} now. */
    static String state(ServerHarness h, String model) throws Exception {
        return h.status().models().stream()
                .filter(m -> m.id().equals(model)).map(ModelStatus::state).findFirst().orElseThrow();
    }

    /** Settings with coder (1500 MB) the only model, on a model server of {@code type} at {@code url}. */
    static String coderOn(String type, String url) {
        return "{\"backends\": {\"server\": {\"type\": \"" + type + "\", \"url\": \"" + url + "\"}},"
                + " \"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500,"
                + " \"loadSeconds\": 3, \"backend\": \"server\"}]}";
    }

    /**
     * A server with an hour of completion use behind it, warming coder (its only model) on a model server of
     * {@code type} at {@code url}; its scheduler, not yet ticked.
     */
    static WarmupScheduler startWithCoderOn(ServerHarness h, String type, String url) throws Exception {
        h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
        h.initialize(coderOn(type, url));
        h.startPrediction();
        return h.injector.getInstance(WarmupScheduler.class);
    }

    /**
     * A server with an hour of completion use behind it whose editor loads coder itself (the client backend: loads
     * go to the editor as {@code warmup/load}); its scheduler, not yet ticked.
     */
    static WarmupScheduler startWithTheEditorLoading(ServerHarness h) throws Exception {
        h.injector.getInstance(UsageStore.class).append(recentCompletionUse(h.clock.millis()));
        h.initialize("{\"models\": [{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500, "
                + "\"loadSeconds\": 3}]}");
        h.startPrediction();
        return h.injector.getInstance(WarmupScheduler.class);
    }

    /** {@link #startWithTheEditorLoading}, then a tick, and waits until the editor has been asked to load coder. */
    static WarmupScheduler withCoderLoadSentToTheEditor(ServerHarness h) throws Exception {
        WarmupScheduler scheduler = startWithTheEditorLoading(h);
        scheduler.tick().get(30, TimeUnit.SECONDS);
        h.client.await(h.client.loads, l -> l.size() == 1, Duration.ofSeconds(30));
        return scheduler;
    }

    /** coder as {@code warmup/status} shows it now. */
    static ModelStatus coder(ServerHarness h) throws Exception {
        return h.status().models().stream()
                .filter(m -> m.id().equals("coder")).findFirst().orElseThrow();
    }

    /** {@link #start}, then a tick, and waits until the client hears that coder is warm. */
    static WarmupScheduler startWithCoderWarm(ServerHarness h, FakeOllamaServer ollama) throws Exception {
        WarmupScheduler scheduler = start(h, ollama);
        scheduler.tick().get(30, TimeUnit.SECONDS);
        h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
        return scheduler;
    }

    /**
     * Lets the minute pass in which a use reported to us may still explain what the scheduler saw on the model server,
     * has it look again, and stores what it recorded.
     */
    static void pastTheReportWindow(ServerHarness h, WarmupScheduler scheduler) throws Exception {
        h.clock.advance(Duration.ofMillis(ModelServerSightings.USE_REPORT_MILLIS));
        scheduler.tick().get(30, TimeUnit.SECONDS);
        h.flush();
    }

    static boolean warm(List<WarmupStatus> statuses, String model) {
        return statuses.stream().anyMatch(s -> s.models().stream()
                .anyMatch(m -> m.id().equals(model) && m.state().equals("warm")));
    }

    /** The uses {@code h}'s store holds as inferred (seen on a model server, reported by no editor), oldest first. */
    static List<UsageEvent> inferred(ServerHarness h) throws Exception {
        List<UsageEvent> out = new ArrayList<>();
        h.injector.getInstance(UsageStore.class).events(Long.MIN_VALUE, Long.MAX_VALUE, e -> {
            if (e.kind() == EventKind.MODEL_USED && InferredUses.DETAIL.equals(e.detail())) {
                out.add(e);
            }
        });
        return out;
    }

    /** Loads of {@code model} that ended in failure: statuses where it turned from loading to failed. */
    static int failedLoads(List<WarmupStatus> statuses, String model) {
        int n = 0;
        String before = null;
        for (WarmupStatus s : statuses) {
            String now = s.models().stream().filter(m -> m.id().equals(model)).map(ModelStatus::state).findFirst()
                    .orElse(null);
            n += "loading".equals(before) && "failed".equals(now) ? 1 : 0;
            before = now;
        }
        return n;
    }

    static long warmups(ServerHarness h, String outcome) throws Exception {
        JsonObject metrics = new Gson().toJsonTree(h.command("warmup.metrics")).getAsJsonObject();
        return metrics.getAsJsonObject("warmups").get(outcome).getAsLong();
    }

    /** The models {@code warmup/predict} would load now. */
    static List<String> loadsPlanned(ServerHarness h) throws Exception {
        return h.server.getWarmupService().predict(new PredictParams(300, null)).get(10, TimeUnit.SECONDS)
                .schedule().tasks().stream().filter(t -> t.action().equals("load")).map(ScheduledWarmup::model)
                .toList();
    }
}
