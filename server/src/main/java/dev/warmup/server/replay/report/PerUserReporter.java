package dev.warmup.server.replay.report;

import dev.warmup.server.replay.Outcome;
import dev.warmup.server.replay.Trace;
import dev.warmup.server.replay.TraceTotals;
import dev.warmup.server.replay.UserTrace;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --per-user OUT.csv}: one row per user and policy, in the trace's user order, with the user's own active
 * hours, so that figures can be compared user by user and resampled over users (how much a total depends on which
 * developers a trace happens to hold). Columns: {@code user, policy, active_user_hours, sessions, requests,
 * cold_starts, wait_s, warm_gb_h, loads, wasted_loads, budget_violations}; the sums over users are the table's.
 */
public final class PerUserReporter {
    public static final String HEADER = "user,policy,active_user_hours,sessions,requests,cold_starts,wait_s,warm_gb_h,"
            + "loads,wasted_loads,budget_violations";
    private final Path file;

    public PerUserReporter(Path file) {
        this.file = file;
    }

    public void report(Trace trace, Map<String, List<Outcome>> perUser) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write(HEADER);
            out.newLine();
            List<TraceTotals> users = trace.users().stream().map(u -> TraceTotals.of(trace, u)).toList();
            for (Map.Entry<String, List<Outcome>> e : perUser.entrySet()) {
                for (int u = 0; u < users.size(); u++) {
                    UserTrace user = trace.users().get(u);
                    TraceTotals own = users.get(u);
                    Outcome o = e.getValue().get(u);
                    out.write(String.format(Locale.ROOT, "%s,%s,%.6f,%d,%d,%d,%.3f,%.6f,%d,%d,%d", csv(user.user()),
                            csv(e.getKey()), own.activeUserHours(), own.sessions(), own.totalRequests(),
                            o.coldStarts(), o.waitSeconds(), o.warmGbHours(), o.loads(), o.wastedLoads(),
                            o.budgetViolations()));
                    out.newLine();
                }
            }
        }
    }

    /** A field as CSV: quoted when it holds a comma, quote or line break. */
    static String csv(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
