package dev.warmup.server.replay;

import static dev.warmup.server.replay.MicroTrace.gbh;
import static dev.warmup.server.replay.MicroTrace.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warmup.server.replay.policies.GreedyDualPolicy;
import dev.warmup.server.replay.policies.HybridHistogramPolicy;
import dev.warmup.server.replay.policies.KeepAlivePolicy;
import dev.warmup.server.replay.policies.LruBudgetPolicy;
import dev.warmup.server.replay.policies.OraclePolicy;
import dev.warmup.server.replay.policies.PricedOraclePolicy;
import org.junit.jupiter.api.Test;

/** Each baseline on traces small enough to check by hand (catalogue: completion 1.5 GB/3 s, chat 5.5 GB/10 s...). */
class BaselinePoliciesTest {
    private static final double EPS = 1e-9;

    @Test
    void keepAliveHitsWhenTheGapIsUnderKAndMissesAtExactlyK() {
        // completion at 0 (cold, waits 3 s), 30 (hit), 90 (exactly 60 s after 30: the unload at 90 comes first)
        Trace t = new MicroTrace().req(0, "completion").req(30, "completion").req(90, "completion").ctx(100).trace();
        Outcome o = run(t, new KeepAlivePolicy(1));
        assertEquals(2, o.coldStarts());
        assertEquals(6_000, o.waitMillis());
        // held [0, 90) and [90, 100): the trace ends at its last event
        assertEquals(gbh(1.5, 100), o.warmGbHours(), EPS);
        assertEquals(0, o.wastedLoads());
    }

    @Test
    void aRequestDuringTheLoadWaitsTheRestAndOneAtLoadEndIsAHit() {
        Trace t = new MicroTrace().req(0, "chat").req(4, "chat").req(10, "chat").trace();
        Outcome o = run(t, new KeepAlivePolicy(5));
        assertEquals(2, o.coldStarts()); // at 0 (waits 10) and at 4 (waits 6); at 10 the model is warm
        assertEquals(16_000, o.waitMillis());
        assertEquals(gbh(5.5, 10), o.warmGbHours(), EPS);
    }

    @Test
    void lruBudgetEvictsTheLeastRecentlyUsedToStayWithinTheBudget() {
        // analysis 5 + chat 5.5 = 10.5 GB; refactoring (10 GB) needs both gone; then completion fits beside it
        Trace t = new MicroTrace().req(0, "analysis").req(100, "chat").req(200, "analysis").req(300, "refactoring")
                .req(400, "completion").req(500, "analysis").trace();
        Outcome o = run(t, new LruBudgetPolicy());
        assertEquals(5, o.coldStarts()); // 200 is the only hit; 500 misses (analysis was evicted at 300)
        assertEquals(0, o.budgetViolations());
        // analysis [0,300) chat [100,300) refactoring [300,500) completion [400,500) analysis [500,500)
        double expected = gbh(5, 300) + gbh(5.5, 200) + gbh(10, 200) + gbh(1.5, 100);
        assertEquals(expected, o.warmGbHours(), EPS);
    }

    @Test
    void lruRanksByTheLastRequestNotTheLoad() {
        // the model limit of 2 forces an eviction at 20: completion (loaded first, last request 5) goes, not chat
        Trace t = new MicroTrace().req(0, "completion").req(5, "completion").req(10, "chat").req(20, "analysis")
                .req(30, "completion").trace();
        Outcome o = run(t, new LruBudgetPolicy(), 100_000, 2);
        assertEquals(4, o.coldStarts()); // 0, 10, 20, and 30 (completion was evicted at 20)
    }

    @Test
    void greedyDualKeepsTheModelWithMoreRequestsPerGbOfLoadTime() {
        // completion: 3 s / 1.5 GB = 2 per request; analysis: 8 / 5 = 1.6; chat: 10 / 5.5 = 1.82
        // the limit of 2 models: at 30 chat must evict one of completion (2 requests: 4.0) and analysis (1.6)
        Trace t = new MicroTrace().req(0, "completion").req(5, "completion").req(10, "analysis").req(30, "chat")
                .req(40, "completion").req(50, "analysis").trace();
        Outcome lru = run(t, new LruBudgetPolicy(), 100_000, 2);
        Outcome gd = run(t, new GreedyDualPolicy(), 100_000, 2);
        assertEquals(5, lru.coldStarts()); // LRU evicts completion at 30 (last used 5), then analysis at 40
        assertEquals(4, gd.coldStarts()); // greedy-dual evicts analysis at 30; completion at 40 is a hit
    }

    @Test
    void oraclePreWarmsExactlyTheLoadTimeAheadAndUnloadsRightAfter() {
        Trace t = new MicroTrace().ctx(100).req(105, "chat").req(200, "chat").ctx(300).trace();
        Outcome o = run(t, new OraclePolicy());
        assertEquals(0, o.coldStarts());
        // pre-warm at 95 (before the first event), unload at 105, pre-warm at 190, unload at 200
        assertEquals(gbh(5.5, 20), o.warmGbHours(), EPS);
        assertEquals(2, o.loads());
        assertEquals(0, o.wastedLoads());
    }

    @Test
    void oracleKeepsTheModelWhenTheNextLoadWouldStartBeforeTheUnload() {
        Trace t = new MicroTrace().req(100, "chat").req(105, "chat").trace();
        Outcome o = run(t, new OraclePolicy());
        assertEquals(0, o.coldStarts());
        assertEquals(1, o.loads());
        assertEquals(gbh(5.5, 15), o.warmGbHours(), EPS); // [90, 105)
    }

    @Test
    void anEvictedPreWarmIsWastedAndTheOracleDoesNotRescheduleIt() {
        // refactoring (10 GB) is pre-warmed at 80 for its request at 100; chat (5.5 GB) is pre-warmed at 85 for 95
        // and must evict the loading refactoring model: that pre-warm is wasted and the request at 100 misses
        Trace t = new MicroTrace().req(95, "chat").req(100, "refactoring").trace();
        Outcome o = run(t, new OraclePolicy());
        assertEquals(1, o.wastedLoads());
        assertEquals(1, o.coldStarts());
        assertEquals(20_000, o.waitMillis());
        assertEquals(0, o.budgetViolations());
    }

    @Test
    void hybridHistogramFallsBackToFourHoursWithoutEnoughIdleTimes() {
        Trace t = new MicroTrace().req(0, "completion").req(3 * 3600, "completion").ctx(5 * 3600).trace();
        Outcome o = run(t, new HybridHistogramPolicy());
        assertEquals(1, o.coldStarts());
        assertEquals(gbh(1.5, 5 * 3600), o.warmGbHours(), EPS);
    }

    @Test
    void hybridHistogramPreWarmsAtTheHeadAndKeepsUntilTheTailOfAPeakedHistogram() {
        // eleven requests 10 minutes apart: ten idle times in the 10-minute bin (CV = sqrt(239) >= 2)
        MicroTrace m = new MicroTrace();
        for (int i = 0; i <= 10; i++) {
            m.req(i * 600L, "analysis");
        }
        m.req(11 * 600L, "analysis").ctx(12 * 600L);
        Outcome o = run(m.trace(), new HybridHistogramPolicy());
        // from the 10th idle time on (request at 6000 s): unload, pre-warm at +9 min, keep until +12.1 min.
        // requests 0..9 are kept warm by the 4-hour fallback; 6000: hit; 6600: pre-warmed at 6540, warm at 6548: hit
        assertEquals(1, o.coldStarts());
        assertEquals(1, o.wastedLoads()); // the pre-warm at 7140 for a request that never comes
        assertEquals(0, o.budgetViolations());
        // held [0, 6000) then [6540, 6600) then [6600 + 540 = 7140, 7200)
        assertEquals(gbh(5, 6000 + 60 + 60), o.warmGbHours(), EPS);
    }

    @Test
    void keepOracleKeepsThroughAGapOnlyWhenHoldingCostsLessThanTheColdStartsItSaves() {
        // completion (1.5 GB, 3 s): 0, 60 (gap 57 s after the load: 1.425 GB·min), 1260 (gap 20 min: 30 GB·min),
        // 1261 (piles up during the reload at 1260)
        Trace t = new MicroTrace().req(0, "completion").req(60, "completion").req(1260, "completion")
                .req(1261, "completion").trace();
        Outcome cheap = run(t, PricedOraclePolicy.keepOnly(2)); // keeps through 57 s, unloads for 20 min (30 > 2 x 2)
        assertEquals(3, cheap.coldStarts()); // 0, 1260 and 1261 (during the reload)
        assertEquals(2, cheap.loads());
        // [0, 60) and [1260, 1261): the trace ends at its last event, when everything unloads
        assertEquals(gbh(1.5, 60) + gbh(1.5, 1), cheap.warmGbHours(), EPS);
        Outcome rich = run(t, PricedOraclePolicy.keepOnly(15)); // 30 GB·min <= 15 x (1 + 1 piled up): keeps
        assertEquals(1, rich.coldStarts());
        assertEquals(gbh(1.5, 1261), rich.warmGbHours(), EPS); // [0, 1261): unloaded after the last request
        assertEquals(0, rich.wastedLoads());
    }

    @Test
    void lateKeepOracleUnloadsOnlyOnceTheModelHasBeenIdleForItsDelay() {
        // completion (1.5 GB, 3 s) at 0, 30, 1260, 1261; at W = 0.1 the keep-oracle would unload after every request
        Trace t = new MicroTrace().req(0, "completion").req(30, "completion").req(1260, "completion")
                .req(1261, "completion").trace();
        Outcome prompt = run(t, PricedOraclePolicy.keepOnly(0.1));
        assertEquals(4, prompt.coldStarts()); // 0, 30, 1260, and 1261 during that reload
        Outcome late = run(t, PricedOraclePolicy.keepOnlyLate(0.1, 60_000));
        assertEquals(3, late.coldStarts()); // 30 comes within the minute the unload waits: a hit
        assertEquals(2, late.loads());
        // [0, 30 + 60) and [1260, 1261): the unload after 1261 would come at 1263 + 60, after the trace's end
        assertEquals(gbh(1.5, 90) + gbh(1.5, 1), late.warmGbHours(), EPS);
        assertEquals(0, late.budgetViolations());
    }

    @Test
    void eventOraclePreWarmsAtTheLastEventThatLeavesTimeToLoadWhenThatIsCheapEnough() {
        // chat (5.5 GB, 10 s) at 100; events at 0 and 50: 50 is the last one from which a load finishes by 100;
        // holding chat from 50 to 100 costs 50 s x 5.5 GB = 4.58 GB·min for the one cold start it saves
        Trace t = new MicroTrace().ctx(0).ctx(50).req(100, "chat").ctx(110).trace();
        Outcome rich = run(t, PricedOraclePolicy.atEvents(5));
        assertEquals(0, rich.coldStarts());
        assertEquals(gbh(5.5, 50), rich.warmGbHours(), EPS); // [50, 100): unloaded after its last request
        Outcome poor = run(t, PricedOraclePolicy.atEvents(4));
        assertEquals(1, poor.coldStarts());
        assertEquals(gbh(5.5, 10), poor.warmGbHours(), EPS); // loaded at 100, unloaded when the load ends at 110
    }
}
