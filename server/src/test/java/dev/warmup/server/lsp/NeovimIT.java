package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real editor: Neovim's built-in LSP client, headless, starts the built jar, opens a file, types, asks for
 * completion and runs warmup.metrics, opens a file larger than the server's heap, saves the first and closes the big one; the Neovim modules the README
 * points to report activity and show the status (:WarmupStatus). Runs after {@code package} (failsafe). Without nvim it is skipped locally and
 * fails on CI (CI=true), where the project's test script installs it.
 */
class NeovimIT {
    @TempDir Path dir;

    private static boolean hasNvim() {
        try {
            Process p = new ProcessBuilder("nvim", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void neovimDrivesTheServerEndToEnd() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        if (!hasNvim()) {
            Assumptions.assumeTrue(ci, "nvim is not installed (the CI script installs Debian's neovim)");
            throw new AssertionError("CI=true but nvim is missing: .ci/run should have installed it");
        }
        Path jar = Path.of(System.getProperty("warmup.jar", "target/warmup-server.jar")).toAbsolutePath();
        assertTrue(Files.exists(jar), "built jar at " + jar);
        Path script = dir.resolve("drive.lua");
        try (InputStream in = getClass().getResourceAsStream("/nvim/drive.lua")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Path out = dir.resolve("result.json");
        Path file = dir.resolve("greet.py");
        Files.writeString(file, "print('hello')\n");
        ProcessBuilder pb = new ProcessBuilder("nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n",
                "-c", "luafile " + script);
        pb.environment().put("WARMUP_JAR", jar.toString());
        pb.environment().put("WARMUP_DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("WARMUP_OUT", out.toString());
        pb.environment().put("WARMUP_FILE", file.toString());
        Path big = dir.resolve("big.log"); // 120 MB: an 80 MB didOpen ran the editors' 256 MB server out of memory
        try (var w = Files.newBufferedWriter(big)) {
            String line = "x".repeat(79) + "\n";
            for (int i = 0; i < 120 * 1024 * 1024 / 80; i++) {
                w.write(line);
            }
        }
        pb.environment().put("WARMUP_BIG_FILE", big.toString());
        Path activity = Path.of("..", "clients", "neovim", "warmup_activity.lua").toAbsolutePath().normalize();
        assertTrue(Files.exists(activity), "the Neovim activity module at " + activity);
        pb.environment().put("WARMUP_ACTIVITY", activity.toString());
        pb.environment().put("WARMUP_STATUS", activity.resolveSibling("warmup_status.lua").toString());
        pb.environment().put("XDG_STATE_HOME", dir.resolve("state").toString());
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        pb.directory(dir.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("nvim.log").toFile());
        Process nvim = pb.start();
        assertTrue(nvim.waitFor(120, TimeUnit.SECONDS), "nvim finished");
        assertTrue(Files.exists(out), "nvim wrote its result; log: " + Files.readString(dir.resolve("nvim.log")));
        JsonObject r = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertTrue(r.get("ok").getAsBoolean(), "nvim script: " + r);

        JsonObject recorded = r.getAsJsonObject("metrics").getAsJsonObject("eventsRecorded");
        assertEquals(2, recorded.get("open").getAsLong(), "greet.py and the big file: " + r);
        assertEquals(3, recorded.get("change").getAsLong(), r.toString());
        assertEquals(1, recorded.get("save").getAsLong(), ":write of greet.py: " + r);
        assertEquals(1, recorded.get("close").getAsLong(), "the big file wiped out: " + r);
        assertEquals(1, recorded.get("completion").getAsLong(), r.toString());
        assertEquals(1, recorded.get("command").getAsLong(), r.toString());
        assertEquals(8, recorded.get("activity").getAsLong(), "the activity module's reports (focus lost and gained,"
                + " buffer entered, cursor moved once in 5 s, scrolled, :make, a debug session's start and end): " + r);
        List<String> kinds = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data").resolve("usage.db"));
             ResultSet rows = db.createStatement().executeQuery(
                     "SELECT detail FROM events WHERE kind = 'ACTIVITY' ORDER BY id")) {
            while (rows.next()) {
                kinds.add(rows.getString(1));
            }
        }
        assertEquals(List.of("windowBlurred", "windowFocused", "editorChanged", "caretMoved", "scrolled",
                "buildStarted", "debugStarted", "debugStopped"), kinds);
        assertTrue(r.getAsJsonObject("completion").getAsJsonArray("items").isEmpty());
        JsonObject status = r.getAsJsonObject("statusRequest");
        assertNotNull(status);
        assertEquals(4, status.get("maxWarmModels").getAsInt(), "init_options reached the server");
        assertEquals("coder", status.getAsJsonArray("models").get(0).getAsJsonObject().get("id").getAsString());
        // the status module: the statusline it keeps from warmup/statusChanged, and :WarmupStatus's answer
        assertTrue(r.get("heardStatus").getAsBoolean(), "the statusline heard warmup/statusChanged: " + r);
        assertTrue(r.get("statusLine").getAsString().matches("Warmup: \\d+ warm.*"), r.toString());
        String shown = r.get("statusOutput").getAsString();
        assertTrue(shown.startsWith(r.get("statusLine").getAsString() + "\n"), shown);
        assertTrue(shown.matches("(?s).*\ncoder: [a-z]+(, p=[0-9.]+)?, 1500 MB.*"), shown);
    }
}
