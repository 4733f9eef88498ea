package dev.warmup.server.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.replay.predictive.HindsightPredictivePolicy;
import dev.warmup.server.replay.predictive.PredictivePolicy;
import org.junit.jupiter.api.Test;

/**
 * {@code predictive-hindsight}, the bound beside our policy: the same decisions, its context rates fitted on the
 * user's whole trace before it starts. Where the trace has a habit the policy must first learn, the bound has it from
 * the first day; and it is clairvoyant, so the harness hands it the trace, which it never hands our policy.
 */
class HindsightBoundTest {
    /** Every day at 9:00 a file is opened and, 30 s later, chat (5.5 GB, 10 s to load) is asked for, twice. */
    private static Trace dailyHabit(int days) {
        MicroTrace m = new MicroTrace();
        for (int d = 0; d < days; d++) {
            long nine = d * 86_400L + 9 * 3600;
            m.ctx(nine).req(nine + 30, "chat").req(nine + 90, "chat");
        }
        return m.trace();
    }

    @Test
    void knowingTheHabitFromTheStartSavesColdStartsOurPolicyPaysWhileLearningIt() {
        Trace t = dailyHabit(10);
        Outcome learning = MicroTrace.run(t, new PredictivePolicy(0.7, 0.1));
        Outcome hindsight = MicroTrace.run(t, new HindsightPredictivePolicy(0.7, 0.1));
        assertEquals(0, hindsight.coldStarts(), "pre-warmed at each day's file open, 30 s before: " + hindsight);
        assertEquals(10, hindsight.loads(), "one pre-warm a day: " + hindsight);
        assertTrue(learning.coldStarts() >= 1, "the first day's request finds chat cold: " + learning);
        assertTrue(new HindsightPredictivePolicy(0.7, 0.1) instanceof Clairvoyant);
        assertTrue(!(new PredictivePolicy(0.7, 0.1) instanceof Clairvoyant));
    }

    @Test
    void onATraceWithNothingToLearnTheBoundDecidesAsOurPolicyDoes() {
        Trace t = new MicroTrace().req(0, "chat").trace(); // one request: nothing before it, in either
        assertEquals(1, MicroTrace.run(t, new PredictivePolicy(0.7, 0.1)).coldStarts());
        assertEquals(1, MicroTrace.run(t, new HindsightPredictivePolicy(0.7, 0.1)).coldStarts());
    }
}
