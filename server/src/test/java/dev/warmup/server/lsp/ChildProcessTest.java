package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.warmup.server.store.UsageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server process over stdio: bad input, SIGKILL mid-stream, and data kept across restarts. */
class ChildProcessTest {
    @TempDir Path dir;

    private static JsonObject change(int version, String text) {
        return JsonParser.parseString("{\"textDocument\": {\"uri\": \"file:///a.txt\", \"version\": " + version
                + "}, \"contentChanges\": [{\"range\": {\"start\": {\"line\": 0, \"character\": 0}, \"end\": "
                + "{\"line\": 0, \"character\": 0}}, \"text\": " + new JsonPrimitive(text) + "}]}").getAsJsonObject();
    }

    @Test
    void aDataDirectoryThatCannotBeMadeGivesWayToATemporaryOneRemovedAtExit() throws Exception {
        Path notADirectory = dir.resolve("warmup");
        Files.writeString(notADirectory, "a file where the data directory belongs");
        try (RawLspProcess p = new RawLspProcess(notADirectory)) {
            p.initialize();
            String warning = p.await(m -> m.has("method") && "window/logMessage".equals(m.get("method").getAsString())
                    && m.getAsJsonObject("params").get("message").getAsString().startsWith("WMP-"))
                    .getAsJsonObject("params").get("message").getAsString();
            assertTrue(warning.startsWith("WMP-7007 Data directory unusable: a temporary one serves until exit:"
                    + " cannot create data directory " + notADirectory + " (FileAlreadyExistsException); this session"
                    + " records into "), warning);
            Path temporary = Path.of(warning.substring(warning.indexOf(" records into ") + 14,
                    warning.indexOf(", removed at exit")));
            assertTrue(Files.isDirectory(temporary), temporary.toString());
            p.notify("warmup/modelUsed", JsonParser.parseString("{\"model\": \"coder\", \"task\": \"completion\"}"));
            JsonObject coder = JsonParser.parseString("{\"model\": \"coder\"}").getAsJsonObject();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
            while (p.request("warmup/usageStats", coder).getAsJsonObject("result").get("count").getAsInt() < 1
                    && System.nanoTime() < deadline) {
                p.request("warmup/status", null); // the server's own report, asked again until the use is stored
            }
            assertEquals(1, p.request("warmup/usageStats", coder).getAsJsonObject("result").get("count").getAsInt(),
                    "recorded there meanwhile");
            p.request("shutdown", null);
            p.notify("exit", null);
            assertTrue(p.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(Files.notExists(temporary), "removed at exit: " + temporary);
            assertEquals("a file where the data directory belongs", Files.readString(notADirectory));
        }
    }

    @Test
    void withoutAHomeDirectoryTheHistoryGoesToATemporaryFolderNotTheEditorsWorkingFolder() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project")); // where editors start their servers
        // Java 17's user.home for a user the system has no entry for (a container run with an arbitrary uid)
        try (RawLspProcess p = RawLspProcess.withoutDataDir(project, List.of("-Duser.home=?"),
                List.of("HOME", "XDG_DATA_HOME"))) {
            p.initialize();
            String warning = p.await(m -> m.has("method") && "window/logMessage".equals(m.get("method").getAsString())
                    && m.getAsJsonObject("params").get("message").getAsString().startsWith("WMP-"))
                    .getAsJsonObject("params").get("message").getAsString();
            assertTrue(warning.startsWith("WMP-7007 Data directory unusable: a temporary one serves until exit: no home"
                    + " directory to keep the history in (user.home is '?', $HOME and $XDG_DATA_HOME unset or"
                    + " relative); pass --data-dir DIR; this session records into "), warning);
            p.notify("warmup/modelUsed", JsonParser.parseString("{\"model\": \"coder\", \"task\": \"completion\"}"));
            assertTrue(p.request("warmup/status", null).has("result"));
        }
        try (var left = Files.list(project)) {
            assertEquals(List.of(), left.toList(), "before: ?/.local/share/warmup/usage.db and more, in the project");
        }
    }

    @Test
    void badInputGetsClearErrorsAndTheServerKeepsAnswering() throws Exception {
        Path log = dir.resolve("logs").resolve("warmup-server.log"); // as the clients pass it; the folder not made yet
        try (RawLspProcess p = new RawLspProcess(dir.resolve("data"), "--log-file", log.toString())) {
            p.initialize();
            // text that is not JSON: JSON-RPC's parse error, with the request's id when it can be read, else null
            p.sendRaw("{\"jsonrpc\": \"2.0\", \"id\": 98, \"method\": \"warmup/status\"");
            JsonObject cut = p.await(m -> m.has("id") && !m.get("id").isJsonNull() && m.get("id").getAsInt() == 98);
            assertEquals(-32700, cut.getAsJsonObject("error").get("code").getAsInt(), cut.toString());
            assertTrue(cut.getAsJsonObject("error").get("message").getAsString().startsWith("WMP-8011"));
            String cutBeforeItsMethod = "{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": "; // a request? no telling
            for (String frame : new String[] {cutBeforeItsMethod, "not json at all", "[1, 2]", "null"}) {
                p.sendRaw(frame);
                JsonObject e = p.await(m -> m.has("id") && m.get("id").isJsonNull()).getAsJsonObject("error");
                assertEquals(-32700, e.get("code").getAsInt(), frame);
                String text = e.get("message").getAsString();
                assertTrue(text.startsWith("WMP-8011") && !text.contains("\n"), text); // one line, not Gson's two
            }
            // unknown method
            JsonObject unknown = p.request("warmup/nonsense", new JsonObject()).getAsJsonObject("error");
            assertEquals(-32601, unknown.get("code").getAsInt());
            assertTrue(unknown.get("message").getAsString().startsWith("WMP-8012"), unknown.toString());
            assertTrue(unknown.get("message").getAsString().contains("warmup/nonsense"), unknown.toString());
            // wrong parameter types
            JsonObject wrong = p.request("warmup/predict",
                    JsonParser.parseString("{\"horizonSeconds\": \"soon\"}"));
            assertTrue(wrong.getAsJsonObject("error").get("message").getAsString().startsWith("WMP-8003"),
                    wrong.toString());
            JsonObject outOfRange = p.request("warmup/predict",
                    JsonParser.parseString("{\"horizonSeconds\": -5}"));
            assertTrue(outOfRange.getAsJsonObject("error").get("message").getAsString().contains("WMP-2003"));
            for (String limit : new String[] {"0", "1001"}) {
                JsonObject badLimit = p.request("warmup/predict", JsonParser.parseString("{\"limit\": " + limit + "}"));
                assertTrue(badLimit.getAsJsonObject("error").get("message").getAsString().contains(
                        "WMP-2003 Invalid prediction request: limit = " + limit), badLimit.toString());
            }
            // an unknown notification is ignored
            p.notify("warmup/whatever", new JsonObject());
            // a 10 MB change is measured, not stored
            p.notify("textDocument/didOpen", JsonParser.parseString("{\"textDocument\": {\"uri\": \"file:///a.txt\","
                    + " \"languageId\": \"plaintext\", \"version\": 1, \"text\": \"\"}}"));
            p.notify("textDocument/didChange", change(2, "x".repeat(10 * 1024 * 1024)));
            // invalid settings
            p.notify("workspace/didChangeConfiguration",
                    JsonParser.parseString("{\"settings\": {\"warmup\": {\"maxMemoryMb\": -1}}}"));
            JsonObject shown = p.await(m -> "window/showMessage".equals(m.has("method") ? m.get("method").getAsString() : ""));
            assertTrue(shown.getAsJsonObject("params").get("message").getAsString().contains("warmup.maxMemoryMb"));
            // still answering, and the change was recorded
            JsonObject m = p.command("warmup.metrics");
            assertEquals(1, m.getAsJsonObject("eventsRecorded").get("change").getAsLong());
            assertTrue(p.request("shutdown", null).has("result"));
        }
        // the log is the very file named, the user's only, and has the warnings
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        assertTrue(Files.readString(log).contains("WMP-8001"), Files.readString(log));
    }

    @Test
    void aLogFileThatCannotBeWrittenIsNamedAndTheServerRunsWithoutIt() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("logs-folder"));
        for (String logFile : new String[] {folder.toString(), ""}) { // each stopped the server; "" with an NPE
            try (RawLspProcess p = new RawLspProcess(dir.resolve("data"), "--log-file", logFile)) {
                p.initialize();
                String warned = p.await(m -> m.has("method")
                        && "window/logMessage".equals(m.get("method").getAsString())
                        && m.getAsJsonObject("params").get("message").getAsString().startsWith("WMP-8016"))
                        .getAsJsonObject("params").get("message").getAsString();
                assertEquals("WMP-8016 Log file unusable: logging to stderr and the editor only: "
                        + (logFile.isEmpty() ? "'': an empty path" : logFile + ": Is a directory"), warned);
                assertTrue(p.request("warmup/status", null).has("result"));
            }
        }
    }

    @Test
    void serversGivenTheSameLogFileEachWriteOneOfTheirOwnReadableByTheUserOnly() throws Exception {
        Path log = dir.resolve("logs").resolve("warmup-server.log"); // as an IDE passes it to a server per project
        try (RawLspProcess a = new RawLspProcess(dir.resolve("data"), "--log-file", log.toString());
             RawLspProcess b = new RawLspProcess(dir.resolve("data"), "--log-file", log.toString())) {
            a.initialize();
            b.initialize();
            a.notify("warmup/fromA", new JsonObject()); // each names it in its log: WMP-8012, a warning
            b.notify("warmup/fromB", new JsonObject());
            a.request("warmup/status", new JsonObject()); // handled in order: the warnings are written
            b.request("warmup/status", new JsonObject());
            String both = "";
            for (Path file : new Path[] {log, log.resolveSibling("warmup-server.log.1")}) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                        file.toString()); // FileHandler made the second with the umask's rw-r--r--
                String text = Files.readString(file);
                assertTrue(text.contains("fromA") != text.contains("fromB"), file + " is one server's: " + text);
                both += text;
            }
            assertTrue(both.contains("fromA") && both.contains("fromB"), both);
        }
    }

    @Test
    void sigkillMidStreamLosesAtMostTheLastBatchAndHistorySurvives() throws Exception {
        int firstWave = 300;
        try (RawLspProcess p = new RawLspProcess(dir)) {
            p.initialize();
            p.notify("textDocument/didOpen", JsonParser.parseString("{\"textDocument\": {\"uri\": \"file:///a.txt\","
                    + " \"languageId\": \"plaintext\", \"version\": 1, \"text\": \"\"}}"));
            for (int i = 0; i < firstWave; i++) {
                p.notify("textDocument/didChange", change(i + 2, "a"));
            }
            // wait on the server's own report (not a sleep) until the first wave is stored; events
            // are stored in arrival order, so once the open and the changes are counted they are on disk
            long stored = 0;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
            while (stored < firstWave + 1 && System.nanoTime() < deadline) {
                stored = p.command("warmup.metrics").get("eventsStored").getAsLong();
            }
            assertTrue(stored >= firstWave + 1, "first wave stored: " + stored);
            for (int i = 0; i < 200; i++) {
                p.notify("textDocument/didChange", change(i + 1000, "b"));
            }
            p.process.destroyForcibly().waitFor();
        }
        try (UsageStore store = UsageStore.open(dir.resolve("usage.db"))) {
            assertTrue(store.recoveryNote().isEmpty(), "the store is intact after SIGKILL");
            long kept = store.query("SELECT count(*) FROM events WHERE kind IN ('OPEN', 'CHANGE')",
                    List.of(), rs -> rs.getLong(1));
            assertTrue(kept >= firstWave + 1 && kept <= firstWave + 1 + 200, "kept " + kept);
        }
        try (RawLspProcess p = new RawLspProcess(dir)) {
            p.initialize();
            assertTrue(p.command("warmup.metrics").get("eventsStored").getAsLong() >= firstWave + 1, "history survives a restart");
        }
    }
}
