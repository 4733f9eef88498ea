package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server as a child process, sent traffic that is wrong at the level of JSON-RPC itself: frames whose
 * header cannot be read or never ends, answers to requests it never sent, the client's own methods, an answer to its
 * settings pull that holds no settings, one bad notification at every keystroke. Each is named with its WMP code,
 * never with the text it carried, and what follows is read.
 */
class MalformedTrafficTest {
    @TempDir Path dir;

    @Test
    void aFrameWithABadHeaderIsAnsweredAsAParseErrorAndTheFramesAfterItAreRead() throws Exception {
        Path log = dir.resolve("frames.log");
        try (RawLspProcess p = new RawLspProcess(dir.resolve("data"), "--log-file", log.toString())) {
            p.initialize();
            String didOpen = "{\"jsonrpc\": \"2.0\", \"method\": \"textDocument/didOpen\", \"params\":"
                    + " {\"textDocument\": {\"uri\": \"file:///w/a.py\", \"languageId\": \"python\", \"version\": 1,"
                    + " \"text\": \"secret = 1\"}}}";
            Map<String, String> frames = new LinkedHashMap<>();
            frames.put("Content-Length: abc\r\n\r\n" + didOpen,
                    "a frame's Content-Length 'abc' is not a length in bytes");
            frames.put("Content-Type: application/vscode-jsonrpc\r\n\r\n" + didOpen,
                    "a frame's header has no Content-Length");
            frames.put("Content-Length: -5\r\n\r\n", "a frame's Content-Length '-5' is not a length in bytes");
            frames.put("Content-Length : 1e3\r\n\r\n" + didOpen, // a space before the colon, as LSP4J allows
                    "a frame's Content-Length '1e3' is not a length in bytes");
            for (Map.Entry<String, String> f : frames.entrySet()) {
                // the body of unknown length runs into the next frame's header: LSP4J lost every frame after it
                p.sendBytes(f.getKey().getBytes(StandardCharsets.UTF_8));
                JsonObject e = p.await(m -> m.has("id") && m.get("id").isJsonNull()).getAsJsonObject("error");
                assertEquals(-32700, e.get("code").getAsInt(), f.getKey());
                String text = e.get("message").getAsString();
                assertTrue(text.startsWith("WMP-8011") && text.contains(f.getValue() + "; what followed it up to"
                        + " the next Content-Length header was skipped"), text);
                assertFalse(text.contains("secret"), "no document text in the answer or the log: " + text);
                assertTrue(p.request("warmup/status", null).has("result"), "the next frame is read: " + f.getKey());
            }
            byte[] body = didOpen.getBytes(StandardCharsets.UTF_8); // a charset Java does not know: read as UTF-8
            p.sendBytes(("Content-Length: " + body.length + "\r\nContent-Type: application/vscode-jsonrpc;"
                    + " charset=klingon\r\n\r\n" + didOpen).getBytes(StandardCharsets.UTF_8));
            String said = p.await(m -> m.has("id") && m.get("id").isJsonNull()).getAsJsonObject("error")
                    .get("message").getAsString();
            assertTrue(said.startsWith("WMP-8011") && said.contains("charset 'klingon' is not one Java knows"), said);
            assertEquals(1, p.command("warmup.metrics").getAsJsonObject("eventsRecorded").get("open").getAsLong(),
                    "that frame's didOpen was read; the ones with bad headers were not");
        }
        String logged = Files.readString(log);
        assertTrue(logged.contains("WMP-8011"), logged);
        assertFalse(logged.contains("secret"), "LSP4J logged the skipped text, a document's here: " + logged);
    }

    @Test
    void answersToNoRequestAndTheClientsOwnMethodsAreNamedWithTheirCodeWithoutTheirContent() throws Exception {
        Path log = dir.resolve("answers.log");
        try (RawLspProcess p = RawLspProcess.loggingTo(dir.resolve("data"), log)) {
            p.initialize();
            p.sendRaw("{\"jsonrpc\": \"2.0\", \"id\": 999, \"result\": {\"text\": \"secret-result\"}}");
            p.sendRaw("{\"jsonrpc\": \"2.0\", \"id\": \"abc\", \"error\": {\"code\": 1, \"message\":"
                    + " \"secret-error\"}}");
            p.notify("$/progress", JsonParser.parseString("{\"token\": \"t\", \"value\": {\"kind\": \"end\"}}"));
            p.notify("window/logMessage", JsonParser.parseString("{\"type\": 3, \"message\": \"secret-log\"}"));
            JsonObject asked = p.request("window/showMessageRequest", JsonParser.parseString(
                    "{\"type\": 3, \"message\": \"secret-question\"}")); // a method of the client's, not ours
            assertTrue(asked.getAsJsonObject("error").get("message").getAsString()
                    .startsWith("WMP-8012 Unknown method: window/showMessageRequest is not served"), asked.toString());
            assertTrue(p.request("warmup/status", null).has("result"));
            assertTrue(p.request("warmup/status", null).has("result")); // the log of all before it has come
            List<String> toEditor = p.drain().stream().filter(m -> m.has("method")
                    && "window/logMessage".equals(m.get("method").getAsString()))
                    .map(m -> m.getAsJsonObject("params").get("message").getAsString()).toList();
            assertEquals(List.of("WMP-8012 Unknown method: window/logMessage is not served; the notification is"
                    + " ignored (said once per method)"), toEditor, "answers to nothing go to the log only");
        }
        String logged = Files.readString(log);
        assertTrue(logged.contains("WMP-8015 Answer to no request of the server's: id 999; ignored"), logged);
        assertTrue(logged.contains("WMP-8015 Answer to no request of the server's: id \"abc\"; ignored"), logged);
        assertFalse(logged.contains("secret"), logged);
        assertFalse(logged.contains("Unsupported notification method"), "LSP4J's words for $/progress: " + logged);
    }

    @Test
    void anAnswerToTheSettingsPullThatIsNoSettingsObjectIsRefusedNamingTheSection() throws Exception {
        try (RawLspProcess p = new RawLspProcess(dir.resolve("data"))) {
            initializeWithThreeWarmModelsAndPulls(p);
            for (String answer : new String[] {"[[1, 2]]", "[\"warmup\"]", "42"}) { // 42: LSP4J reads it as [42]
                answerTheNextPull(p, "\"result\": " + answer);
                String shown = p.await(m -> m.has("method")
                        && "window/showMessage".equals(m.get("method").getAsString()))
                        .getAsJsonObject("params").get("message").getAsString();
                assertTrue(shown.startsWith("WMP-8001 Invalid setting: the previous configuration stays in force:"
                        + " warmup = ") && shown.endsWith(" is not allowed; expected an object of settings"), shown);
            }
            JsonObject config = p.command("warmup.config");
            assertEquals(3, config.get("maxWarmModels").getAsInt(), "the previous settings stay: " + config);
        }
    }

    @Test
    void aSettingsPullTheEditorRefusesKeepsTheSettingsAndTheNextPullIsTaken() throws Exception {
        try (RawLspProcess p = new RawLspProcess(dir.resolve("data"))) {
            initializeWithThreeWarmModelsAndPulls(p);
            for (String answer : new String[] {"\"error\": {\"code\": -32601, \"message\": \"no such method\"}",
                    "\"result\": [{\"maxWarmModels\": 4}]"}) {
                answerTheNextPull(p, answer);
            }
            List<Integer> shown = new ArrayList<>(); // maxWarmModels in each status, up to the one the answer set
            p.await(m -> m.has("method") && "warmup/statusChanged".equals(m.get("method").getAsString())
                    && shown.add(m.getAsJsonObject("params").get("maxWarmModels").getAsInt()) && shown.contains(4));
            assertEquals(List.of(3), shown.subList(0, shown.size() - 1).stream().distinct().toList(),
                    "the refusal kept the settings: " + shown);
            assertEquals(4, p.command("warmup.config").get("maxWarmModels").getAsInt(), "the answer after it taken");
        }
    }

    /** Initializes {@code p} with maxWarmModels 3, as an editor that answers {@code workspace/configuration}. */
    private static void initializeWithThreeWarmModelsAndPulls(RawLspProcess p) throws Exception {
        p.request("initialize", JsonParser.parseString("{\"processId\": null, \"capabilities\": {\"workspace\":"
                + " {\"configuration\": true}}, \"initializationOptions\": {\"settings\": {\"warmup\":"
                + " {\"maxWarmModels\": 3}}}}"));
        p.notify("initialized", new JsonObject());
    }

    /** Tells {@code p} the settings changed, and answers the pull that follows with {@code answer}'s members. */
    private static void answerTheNextPull(RawLspProcess p, String answer) throws Exception {
        p.notify("workspace/didChangeConfiguration", JsonParser.parseString("{\"settings\": null}"));
        JsonObject pull = p.await(m -> m.has("method")
                && "workspace/configuration".equals(m.get("method").getAsString()));
        p.sendRaw("{\"jsonrpc\": \"2.0\", \"id\": " + pull.get("id") + ", " + answer + "}");
    }

    @Test
    void theSameBadNotificationAtEveryKeystrokeIsShownTenTimesNotOnceEach() throws Exception {
        try (RawLspProcess p = new RawLspProcess(dir.resolve("data"))) {
            p.initialize();
            for (int i = 0; i < 200; i++) { // a client's bug, at each keystroke
                p.notify("textDocument/didChange", JsonParser.parseString("{\"textDocument\": {\"uri\":"
                        + " \"file:///w/a.py\"}, \"contentChanges\": [null]}"));
            }
            assertTrue(p.request("warmup/status", null).has("result"));
            List<String> toEditor = p.drain().stream().filter(m -> m.has("method")
                    && "window/logMessage".equals(m.get("method").getAsString()))
                    .map(m -> m.getAsJsonObject("params").get("message").getAsString()).toList();
            assertTrue(toEditor.size() < 200, toEditor.size() + " lines"); // the minute counts from the first
            assertEquals(10, toEditor.stream().filter(m -> m.equals("WMP-8003 Invalid parameters:"
                    + " textDocument/didChange needs contentChanges[0]")).count(), toEditor.toString());
            assertTrue(toEditor.stream().anyMatch(m -> m.startsWith("WMP-8003 came 10 times since ")
                    && m.contains(": more like it are counted, not shown, until ")), toEditor.toString());
        }
    }

    @Test
    void bytesThatNeverEndAHeaderAreSkippedWithOneAnswerAndTheFramesAfterThemRead() throws Exception {
        try (RawLspProcess p = new RawLspProcess(dir.resolve("data"))) {
            p.initialize();
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < 200; i++) { // 200 MB without a line end: LSP4J held them all, and ran out of memory
                p.sendBytes(chunk);
            }
            p.sendBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(p.request("warmup/status", null).has("result"), "the frame after them is read");
            List<String> errors = p.drain().stream().filter(m -> m.has("error"))
                    .map(m -> m.getAsJsonObject("error").get("message").getAsString()).toList();
            assertEquals(List.of("WMP-8011 Malformed message: not one JSON-RPC object: a frame's header ran past"
                    + " 64 KiB without ending; what followed it up to the next Content-Length header was skipped"),
                    errors, "one answer for the run, not one for each 64 KiB");
        }
    }

    @Test
    void aContentLengthTooLongNoLongerEatsIntoTheNextFrame() throws Exception {
        try (RawLspProcess p = new RawLspProcess(dir.resolve("data"))) {
            p.initialize();
            String didOpen = "{\"jsonrpc\": \"2.0\", \"method\": \"textDocument/didOpen\", \"params\":"
                    + " {\"textDocument\": {\"uri\": \"file:///w/a.py\", \"languageId\": \"python\", \"version\": 1,"
                    + " \"text\": \"h\u00e9llo \u20ac\"}}}";
            int length = didOpen.getBytes(StandardCharsets.UTF_8).length;
            for (int tooMany : new int[] {2, didOpen.length()}) { // a line end counted and not sent; UTF-16 bytes
                p.sendBytes(("Content-Length: " + (length + tooMany) + "\r\n\r\n" + didOpen)
                        .getBytes(StandardCharsets.UTF_8));
                assertTrue(p.request("warmup/status", null).has("result"), "the frame after it is read");
            }
            assertEquals(2, p.command("warmup.metrics").getAsJsonObject("eventsRecorded").get("open").getAsLong(),
                    "each frame counted too long was read itself: its object ends before its length");
            String status = "{\"jsonrpc\": \"2.0\", \"id\": \"long\", \"method\": \"warmup/status\"}";
            p.sendBytes(("Content-Length: " + (status.length() + 10) + "\r\n\r\n" + status)
                    .getBytes(StandardCharsets.UTF_8)); // and nothing after it: the client waits for the answer
            assertTrue(p.await(m -> m.has("id") && "long".equals(m.get("id").getAsString())).has("result"),
                    "a request counted too long is answered without waiting for bytes that will not come");
            assertTrue(p.request("warmup/status", null).has("result"), "and the frames after it are read");
            assertEquals(List.of(), p.drain().stream().filter(m -> m.has("error")).toList(), "and nothing refused");
        }
    }
}
