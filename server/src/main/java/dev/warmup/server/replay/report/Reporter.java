package dev.warmup.server.replay.report;

import dev.warmup.server.replay.Outcome;
import dev.warmup.server.replay.TraceTotals;
import java.io.IOException;
import java.util.Map;

/** Writes a replay's results somewhere (one of the simulator's three small interfaces). */
public interface Reporter {
    void report(TraceTotals totals, Map<String, Outcome> outcomes) throws IOException;
}
