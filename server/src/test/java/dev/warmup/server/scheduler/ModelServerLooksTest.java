package dev.warmup.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.backend.ModelBackend;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The looks at the model servers, with a wait of nothing: an answer not there when the tick looks is late. The
 * scheduler's thread is a queue the test runs.
 */
class ModelServerLooksTest {
    private final Queue<Runnable> schedulerThread = new ArrayDeque<>();
    private final List<String> taken = new ArrayList<>();
    private final SlowServer server = new SlowServer();
    private Map<String, ModelBackend> configured = Map.of("local", server);
    private final ModelServerSilence silence = new ModelServerSilence();
    private long now = 1_000_000; // the time of day, in ms
    private final ModelServerLooks looks = new ModelServerLooks(() -> configured, schedulerThread::add,
            (name, s, loaded, again, down) -> taken.add(name + " " + loaded.size() + (again ? " again" : "")
                    + (down ? " down" : "")), silence, () -> now);

    {
        looks.lookMillis(0);
    }

    @Test
    void anAnswerLaterThanTheWaitIsTakenWhenItComes() {
        looks.look();
        assertEquals(List.of(), taken, "not answered in time: our view stays");
        server.answer(0, 1);
        runSchedulerThread();
        assertEquals(List.of("local 1"), taken, "taken when it came");
    }

    @Test
    void aLateAnswerAskedBeforeOneOfOurLoadsOrUnloadsIsDropped() {
        looks.look();
        looks.changed(); // a load of ours started: the list may not have it
        server.answer(0, 0);
        runSchedulerThread();
        assertEquals(List.of(), taken);
        looks.look();
        assertEquals(2, server.asked.size(), "asked again, the old answer being done");
    }

    @Test
    void aServerStillUnansweredIsNotAskedAgainAndItsAnswerIsTakenOnce() {
        looks.look();
        looks.look();
        assertEquals(1, server.asked.size());
        server.answer(0, 2);
        looks.look(); // the tick finds it answered: taken there
        runSchedulerThread(); // and not again when the late-answer hook runs
        assertEquals(List.of("local 2"), taken);
    }

    @Test
    void anAnswerAfterAFailedLookSaysTheServerAnswersAgainAndALateOneDoesNot() {
        looks.look();
        server.asked.get(0).completeExceptionally(new java.io.IOException("connection refused"));
        runSchedulerThread();
        looks.look(); // asked anew
        server.answer(1, 1);
        runSchedulerThread();
        assertEquals(List.of("local 1 again"), taken, "after a failure: its failed loads may be tried at once");
        looks.look();
        server.answer(2, 1); // late, but no failure
        runSchedulerThread();
        assertEquals(List.of("local 1 again", "local 1"), taken);
    }

    @Test
    void aLateAnswerFromAServerTheSettingsReplacedIsDropped() {
        looks.look();
        SlowServer moved = new SlowServer(); // the same name, another URL
        configured = Map.of("local", moved);
        server.answer(0, 3);
        runSchedulerThread();
        assertEquals(List.of(), taken, "the old server's list says nothing of the new one");
        looks.look();
        assertEquals(1, moved.asked.size(), "the new one is asked, though the old one's look was still out");
    }

    @Test
    void aServerThatLeavesALookUnansweredIsSilentSinceItsAskUntilItAnswers() {
        int[] unmarked = {0};
        silence.onUnmarked(() -> unmarked[0]++);
        long asked = now;
        looks.look(); // not answered within the wait
        now += ModelServerSilence.SHOWN_AFTER_MILLIS - 1;
        looks.look();
        assertEquals(OptionalLong.empty(), silence.silentSince("local", now), "a little slow is not silent");
        now += 1;
        looks.look();
        assertEquals(OptionalLong.of(asked), silence.silentSince("local", now), "silent since the first look's ask");
        looks.changed(); // a load of ours since: the answer is dropped, but the server answered
        server.answer(0, 1);
        runSchedulerThread();
        assertEquals(OptionalLong.empty(), silence.silentSince("local", now));
        assertEquals(List.of(), taken);
        assertEquals(1, unmarked[0], "the status is told at once that the mark is gone");
        looks.look(); // late again, answered at once after: never marked, nothing to tell
        server.answer(1, 1);
        runSchedulerThread();
        assertEquals(1, unmarked[0]);
    }

    @Test
    void aServerThatFailsItsLooksIsSilentUntilItAnswers() {
        long asked = now;
        looks.look();
        server.asked.get(0).completeExceptionally(new java.io.IOException("HTTP 500"));
        runSchedulerThread();
        now += 60_000;
        looks.look();
        server.asked.get(1).completeExceptionally(new java.io.IOException("HTTP 500"));
        runSchedulerThread();
        assertEquals(OptionalLong.of(asked), silence.silentSince("local", now), "failing since the first failure");
        looks.look();
        server.answer(2, 0);
        runSchedulerThread();
        assertEquals(OptionalLong.empty(), silence.silentSince("local", now), "answers again");
    }

    @Test
    void aServerNoLongerConfiguredIsNotSilent() {
        looks.look();
        now += 60_000;
        looks.look();
        assertEquals(true, silence.silentSince("local", now).isPresent());
        configured = Map.of();
        looks.look();
        assertEquals(OptionalLong.empty(), silence.silentSince("local", now));
    }

    @Test
    void aFailureInTimeForTheTickIsToldOnceNotAgainByTheLateAnswerHook() throws Exception {
        server.failWith = refusal();
        looks.look(); // refused at once: told by the tick; the hook, queued meanwhile, must not tell it again
        runSchedulerThread();
        assertEquals(List.of("local 0 down"), taken, "a use reported between two tellings would be undone");
    }

    /** A real refusal: Ollama's client asked on a port nothing listens on. */
    private static Throwable refusal() throws Exception {
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            closed.close();
            var backend = new dev.warmup.server.backend.OllamaBackend(new dev.warmup.server.config.BackendSpec("local",
                    "ollama", "http://127.0.0.1:" + closed.getLocalPort(), false, 2, null, null, null),
                    java.net.http.HttpClient.newHttpClient(), java.time.Clock.systemUTC());
            Throwable t = backend.loaded().handle((ok, e) -> e).get();
            assertEquals(true, ModelBackend.notRunning(t), String.valueOf(t));
            return t;
        }
    }

    private void runSchedulerThread() {
        for (Runnable r; (r = schedulerThread.poll()) != null; ) {
            r.run();
        }
    }

    /** A model server whose every list is answered when the test says. */
    private static final class SlowServer implements ModelBackend {
        final List<CompletableFuture<List<LoadedModel>>> asked = new ArrayList<>();
        Throwable failWith; // set: every list fails at once with it

        void answer(int look, int models) {
            List<LoadedModel> loaded = new ArrayList<>();
            for (int i = 0; i < models; i++) {
                loaded.add(new LoadedModel("m" + i, 1000, -1));
            }
            asked.get(look).complete(loaded);
        }

        @Override public CompletableFuture<List<LoadedModel>> loaded() {
            CompletableFuture<List<LoadedModel>> f = new CompletableFuture<>();
            if (failWith != null) {
                f.completeExceptionally(failWith);
            }
            asked.add(f);
            return f;
        }

        @Override public String name() { return "local"; }
        @Override public String type() { return "ollama"; }
        @Override public boolean canUnload() { return true; }
        @Override public void close() {}
        @Override public CompletableFuture<Void> unload(ModelSpec model) { throw new UnsupportedOperationException(); }
        @Override public CompletableFuture<LoadResult> load(ModelSpec model, Duration timeout) {
            throw new UnsupportedOperationException();
        }
    }
}
