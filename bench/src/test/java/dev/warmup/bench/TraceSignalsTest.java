package dev.warmup.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.UserTrace;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-checked counts on a micro trace (analysis: 5 GB, 8 s to load, as in EVALUATION.md §2). */
class TraceSignalsTest {
    private static final int COMPLETION = 0;
    private static final int ANALYSIS = 1;
    private static final int FILE = 0;
    private static final int EDIT = 1;
    private static final int BUILD = 2;

    /**
     * u1: a build burst at 100 s (103 and 107 arrive while its load runs; 108, at the load's end, does not), then
     * 31 minutes later a new session: an edit at 2000, file views at 2005, 2012 and 2015, a build at 2020.
     * u2: one session of two file views, no build.
     */
    private final TraceSignals signals = new TraceSignals(new Trace(List.of(
            user("u1", new long[] {0, 100, 103, 107, 108, 2000, 2005, 2012, 2015, 2020},
                    new int[] {FILE, BUILD, BUILD, BUILD, BUILD, EDIT, FILE, FILE, FILE, BUILD}),
            user("u2", new long[] {0, 500}, new int[] {FILE, FILE})),
            new String[] {"View.File", "Edit.Type", "Build.BuildSolution"},
            List.of("completion", "analysis", "chat", "refactoring")));

    private static UserTrace user(String id, long[] seconds, int[] details) {
        long[] times = new long[seconds.length];
        byte[] tasks = new byte[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            times[i] = seconds[i] * 1000;
            tasks[i] = (byte) (details[i] == BUILD ? ANALYSIS : details[i] == EDIT ? COMPLETION : -1);
        }
        return new UserTrace(id, times, details, tasks);
    }

    @Test
    void burstsCountTheRequestsThatArriveWhileTheLoadRuns() {
        assertEquals(new TraceSignals.BurstCount(2, 2), signals.bursts(ANALYSIS, TraceSignals.MIN));
        assertEquals(new TraceSignals.BurstCount(2, 2), signals.bursts(ANALYSIS, 30 * TraceSignals.MIN));
        // 2020 comes 31.9 minutes after 108: not a new burst when bursts need 32 minutes of quiet
        assertEquals(new TraceSignals.BurstCount(1, 2), signals.bursts(ANALYSIS, 32 * TraceSignals.MIN));
    }

    @Test
    void signalsCountEventsFromWhichAPreWarmWouldFinishInTime() {
        TraceSignals.SignalCount s = signals.signals(ANALYSIS, 10 * TraceSignals.MIN);
        // band 0 (edited < 10 s): the edit at 2000 and the view at 2005, both 15-20 s before the build: hits.
        // band 1 (< 1 min): the view at 2012, exactly one load before the build: a hit. The view at 2015 is too late.
        // band 4 (no editing): u1's view at 0 (the build comes 100 s later: too late for the window), u2's two views.
        assertArrayEquals(new long[] {2, 1, 0, 0, 3}, s.bandEvents());
        assertArrayEquals(new long[] {2, 1, 0, 0, 0}, s.bandHits());
        assertArrayEquals(new long[] {5, 1, 0}, s.typeEvents());
        assertArrayEquals(new long[] {2, 1, 0}, s.typeHits());
    }

    @Test
    void sessionStartPreWarmsSaveTheFirstRequestAndItsBurst() {
        // 5-minute cap: u1 saves the burst at 100 (3 cold starts, held 100 s) and the build at 2020 (1, held 20 s);
        // u2 never builds: held 300 s. 420 s of 5 GB.
        TraceSignals.Cost five = signals.sessionStarts(ANALYSIS, 5 * TraceSignals.MIN);
        assertEquals(4, five.coldStarts());
        assertEquals(420 * 5 / 3600.0, five.gbh(), 1e-9);
        // 1-minute cap: the burst at 100 comes after the cap (held 60 s, nothing saved); 2020 saved; u2 held 60 s.
        TraceSignals.Cost one = signals.sessionStarts(ANALYSIS, TraceSignals.MIN);
        assertEquals(1, one.coldStarts());
        assertEquals(140 * 5 / 3600.0, one.gbh(), 1e-9);
    }

    @Test
    void sessionFirstsAreCountedByHowLongIntoTheSessionTheyCome() {
        // u1: the burst at 100, 100 s into the first session (3 cold starts with the two inside its load); the build
        // at 2020, 20 s into the second (the gap 108 -> 2000 is over 30 minutes). u2 never builds.
        TraceSignals.SessionFirsts f = signals.sessionFirsts(ANALYSIS);
        assertArrayEquals(new long[] {0, 1, 1, 0}, f.requests());
        assertArrayEquals(new long[] {0, 1, 3, 0}, f.coldStarts());
        assertEquals(1, f.coldStartsWithinHour(), "2020 comes 32 minutes after the build at 108");
        // completion: the edit at 2000 opens the second session (lead 0: within the load time)
        assertArrayEquals(new long[] {1, 0, 0, 0}, signals.sessionFirsts(COMPLETION).requests());
    }

    @Test
    void keepAliveAloneLoadsOnMissesAndUnloadsAtTheEndOfTheTrace() {
        // 100 misses, 103 and 107 wait on its load, 108 hits; unloaded at 708; 2020 misses at the trace's end.
        TraceSignals.Cost c = signals.keepAlive(ANALYSIS, 10);
        assertEquals(4, c.coldStarts());
        assertEquals(608 * 5 / 3600.0, c.gbh(), 1e-9);
    }
}
