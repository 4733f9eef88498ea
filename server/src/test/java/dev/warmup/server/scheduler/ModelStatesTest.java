package dev.warmup.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ModelStatesTest {
    /**
     * The scheduler marks a failure with its retry time; a further "failed" report of the client, with no load
     * waiting for it, must not wipe the retry time.
     */
    @Test
    void aClientsFailureReportKeepsTheRetryTimeTheSchedulerSet() {
        ModelStates states = new ModelStates();
        states.loading("coder", 1500, 0);
        states.failed("coder", "no extension registered a load handler", 30_000); // the scheduler's retry time
        states.failed("coder", "no extension registered a load handler"); // the report, again
        assertEquals(ModelStates.State.failed, states.get("coder").state());
        assertEquals(30_000, states.get("coder").retryAtMillis());

        states.loading("coder", 1500, 40_000);
        states.failed("coder", "out of memory"); // the report first: no retry time yet
        assertEquals(Long.MIN_VALUE, states.get("coder").retryAtMillis());
        states.failed("coder", "out of memory", 100_000); // then the scheduler's
        assertEquals(100_000, states.get("coder").retryAtMillis());
        assertEquals("out of memory", states.get("coder").error());
    }
}
