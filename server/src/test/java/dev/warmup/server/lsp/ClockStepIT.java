package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server with its system clock set back an hour while it runs, by libfaketime (Debian's faketime, which
 * the project's test script installs; without it the test is skipped locally and fails on CI): it says so once in
 * its log, goes on recording, and dates what follows the step after what came before it. (Before, it dated the
 * events that followed an hour back, and a batch of events waiting to be written when the clock went back waited an
 * hour.)
 */
class ClockStepIT {
    @TempDir Path dir;

    /** libfaketime's library, where Debian puts it. */
    private static Optional<Path> libfaketime() throws IOException {
        Path lib = Path.of("/usr/lib");
        if (!Files.isDirectory(lib)) {
            return Optional.empty();
        }
        try (Stream<Path> arches = Files.list(lib)) {
            return arches.map(a -> a.resolve("faketime/libfaketime.so.1")).filter(Files::isRegularFile).findFirst();
        }
    }

    @Test
    void aServerWhoseSystemClockGoesBackAnHourRecordsOnInTimeOrder() throws Exception {
        Optional<Path> faketime = libfaketime();
        if (faketime.isEmpty()) {
            Assumptions.assumeTrue("true".equals(System.getenv("CI")),
                    "libfaketime is not installed (the CI script installs Debian's faketime)");
            throw new AssertionError("CI=true but libfaketime is missing: .ci/run should have installed it");
        }
        Path offset = dir.resolve("faketime");
        Files.writeString(offset, "+0\n");
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        Map<String, String> env = Map.of("LD_PRELOAD", faketime.get().toString(), "FAKETIME_TIMESTAMP_FILE",
                offset.toString(), "FAKETIME_CACHE_DURATION", "1", "FAKETIME_DONT_FAKE_MONOTONIC", "1");
        try (RawLspProcess server = RawLspProcess.withEnvironment(data, env, log)) {
            server.initialize();
            activity(server, "before-the-step");
            UsageEvent before = awaitStored(data, "before-the-step");

            Files.writeString(offset, "-1h\n"); // read again by libfaketime within its cache's second
            for (int i = 0; i < 300 && !RawLspProcess.logged(log, "the system clock went back"); i++) {
                server.request("warmup/status", null); // the server reads its clock
                Thread.sleep(100);
            }
            java.util.regex.Matcher said = java.util.regex.Pattern.compile("the system clock went back ([0-9.]+) s")
                    .matcher(Files.readString(log));
            assertTrue(said.find(), Files.readString(log));
            assertEquals(3600, Double.parseDouble(said.group(1)), 10, said.group());

            activity(server, "after-the-step");
            UsageEvent after = awaitStored(data, "after-the-step");
            assertTrue(after.at() >= before.at(), "dated after what came before: " + after.at() + " < " + before.at());
            assertTrue(after.at() - before.at() < 3_600_000, "not an hour on either");
            JsonObject status = server.request("warmup/status", null);
            assertTrue(status.has("result"), status.toString());
        }
        assertEquals(1, Files.readAllLines(log).stream().filter(l -> l.contains("went back")).count(), "said once");
    }

    private static void activity(RawLspProcess server, String kind) throws IOException {
        JsonObject p = new JsonObject();
        p.addProperty("kind", kind);
        server.notify("warmup/activity", p);
    }


    /**
     * The activity {@code kind} once the server has written it to its store, read from the store file as another
     * window's server would (the server writes a second after an event at most; this waits up to a minute).
     */
    private static UsageEvent awaitStored(Path data, String kind) throws Exception {
        for (int i = 0; i < 600; i++) {
            Optional<UsageEvent> e = stored(data, kind);
            if (e.isPresent()) {
                return e.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(kind + " not written to the store within a minute");
    }

    private static Optional<UsageEvent> stored(Path data, String kind) throws SQLException {
        if (!Files.exists(data.resolve("usage.db"))) {
            return Optional.empty();
        }
        List<UsageEvent> found = new ArrayList<>();
        try (UsageStore store = UsageStore.open(data.resolve("usage.db"))) {
            store.events(Long.MIN_VALUE, Long.MAX_VALUE, e -> {
                if (e.kind() == EventKind.ACTIVITY && kind.equals(e.detail())) {
                    found.add(e);
                }
            });
        }
        return found.stream().findFirst();
    }
}
