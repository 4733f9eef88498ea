package dev.warmup.server.prediction;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ForecastRefereeTest {
    @Test
    void treesDecideOnlyOnceTheyHaveShownThemselvesClearlyBetter() {
        ForecastReferee referee = new ForecastReferee(2);
        Random r = new Random(7);
        for (int i = 0; i < 1000; i++) {
            boolean label = r.nextDouble() < 0.3;
            // task 0: the trees know the outcome almost surely, the heuristic only the base rate
            referee.score(0, 0.3, label ? 0.95 : 0.02, label);
            // task 1: the trees are confidently wrong half the time
            referee.score(1, 0.3, r.nextBoolean() ? 0.99 : 0.01, label);
            if (i == 50) {
                assertFalse(referee.trustTrees(0), "too little evidence yet");
            }
        }
        assertTrue(referee.trustTrees(0));
        assertFalse(referee.trustTrees(1));
        assertTrue(referee.losses(0)[1] < referee.losses(0)[0]);
    }

    @Test
    void slightlyBetterTreesDoNotOverruleTheHeuristic() {
        ForecastReferee referee = new ForecastReferee(1);
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) {
            boolean label = r.nextDouble() < 0.3;
            referee.score(0, 0.3, label ? 0.35 : 0.27, label);
        }
        assertTrue(referee.losses(0)[1] < referee.losses(0)[0]);
        assertFalse(referee.trustTrees(0));
    }
}
