package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LSP messages the server cannot use (no params at all, no command, a change whose range has no end, a value LSP4J's
 * own readers fail on) are refused with WMP-8003 naming what is wrong, as an error for a request and in the log for a
 * notification, never failing a handler (WMP-8007, "please report it") or going unanswered; the server goes on. Fields
 * LSP requires that the server can do without are not asked for. Cases a fuzzer of the server's stdio found.
 */
class ClientContractTest {
    private static final String URI = "file:///work/project/a.py";
    @TempDir Path dir;
    ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(dir);
        h.initialize(null);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private static ResponseError errorOf(CompletableFuture<?> request) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> request.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(ResponseErrorException.class, e.getCause()).getResponseError();
    }

    private static void assertInvalid(ResponseError e, String detail) {
        assertEquals(-32602, e.getCode(), e.getMessage()); // JSON-RPC's InvalidParams
        assertEquals("WMP-8003", ((JsonObject) e.getData()).get("code").getAsString());
        assertEquals("WMP-8003 Invalid parameters: " + detail, e.getMessage());
    }

    @Test
    void aRequestWithoutParamsOrCommandIsAnsweredWmp8003() throws Exception {
        assertInvalid(errorOf(h.raw.request("workspace/executeCommand", JsonParser.parseString("{\"arguments\": []}"))),
                "workspace/executeCommand needs command");
        assertInvalid(errorOf(h.raw.request("workspace/executeCommand", null)),
                "workspace/executeCommand: missing params");
        assertInvalid(errorOf(h.raw.request("textDocument/completion", null)), "textDocument/completion: missing params");
        assertEquals(List.of(), h.raw.request("textDocument/codeAction", JsonParser.parseString("{\"textDocument\":"
                + " {\"uri\": \"" + URI + "\"}, \"context\": {}}")).get(10, TimeUnit.SECONDS),
                "no range, no diagnostics: still a code action request, answered as any other");
    }

    @Test
    void paramsForAMethodThatTakesNoneAreIgnoredWithOneWarning() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertTrue(h.raw.request("warmup/status", JsonParser.parseString("{\"verbose\": true}"))
                    .get(10, TimeUnit.SECONDS) != null, "answered");
        }
        assertTrue(h.raw.request("warmup/metrics", JsonParser.parseString("{}")).get(10, TimeUnit.SECONDS) != null);
        h.raw.request("warmup/status", null).get(10, TimeUnit.SECONDS); // the log of all before it has come
        assertEquals(List.of("WMP-8003 Invalid parameters: warmup/status takes no params; {\"verbose\":true} ignored"
                + " (said once per method)"), codes(h.client.logged));
        assertTrue(h.client.logged.stream().noneMatch(m -> m.getMessage().contains("Unexpected params")),
                "not LSP4J's own warning, which names a Java signature");
    }

    @Test
    void aCancelThatArrivesAfterTheAnswerIsNoWarning() throws Exception {
        h.raw.request("warmup/status", null).get(10, TimeUnit.SECONDS);
        for (String id : List.of("1", "2", "999")) { // answered already, as a completion is before the editor cancels it
            h.raw.notify("$/cancelRequest", JsonParser.parseString("{\"id\": \"" + id + "\"}"));
        }
        h.raw.request("warmup/status", null).get(10, TimeUnit.SECONDS); // the log of all before it has come
        assertEquals(List.of(), h.client.logged.stream().map(MessageParams::getMessage).toList(),
                "the normal race of a cancel with its answer, not a warning for the editor");
    }

    @Test
    void notebookNotificationsAreNamedOnceAsNotServed() throws Exception {
        for (int version = 1; version <= 3; version++) { // the server offers no notebook sync; a client sends it anyway
            h.raw.notify("notebookDocument/didOpen", JsonParser.parseString("{\"notebookDocument\": {\"uri\":"
                    + " \"file:///w/n.ipynb\", \"notebookType\": \"jupyter\", \"version\": " + version + ", \"cells\":"
                    + " []}, \"cellTextDocuments\": []}"));
        }
        h.raw.request("warmup/status", null).get(10, TimeUnit.SECONDS); // the log of all before it has come
        assertEquals(List.of("WMP-8012 Unknown method: notebookDocument/didOpen is not served; the notification is"
                + " ignored (said once per method)"), h.client.logged.stream().map(MessageParams::getMessage).toList());
    }

    @Test
    void anEnumNumberOutOfRangeIsAnsweredWmp8003NotLeftUnanswered() {
        ResponseError e = errorOf(h.raw.request("textDocument/completion", JsonParser.parseString("{\"textDocument\":"
                + " {\"uri\": \"" + URI + "\"}, \"position\": {\"line\": 0, \"character\": 0},"
                + " \"context\": {\"triggerKind\": 1e308}}")));
        assertEquals("WMP-8003", ((JsonObject) e.getData()).get("code").getAsString());
        assertTrue(e.getMessage().startsWith("WMP-8003 Invalid parameters: textDocument/completion: ")
                && e.getMessage().contains("path $.params.context.triggerKind"), e.getMessage());
    }

    @Test
    void badNotificationsAreLoggedWmp8003AndTheGoodOnesAroundThemRecorded() throws Exception {
        h.raw.notify("textDocument/didOpen", JsonParser.parseString("{\"textDocument\": {\"uri\": \"" + URI + "\","
                + " \"languageId\": \"python\", \"version\": 1, \"text\": \"x = 1\\n\"}}"));
        h.raw.notify("textDocument/didChange", change("{\"start\": {\"line\": 0, \"character\": 0}}", "\"" + URI + "\""));
        h.raw.notify("textDocument/didChange", change(range(), "null")); // sent without the uri
        h.raw.notify("textDocument/didSave", null);
        h.raw.notify("warmup/modelState", JsonParser.parseString("{\"model\": \"m\", \"state\": 9223372036854775808}"));
        h.raw.notify("textDocument/didChange", change(range(), "\"" + URI + "\""));
        h.raw.notify("initialized", null); // its params have no required field: no params is no fault
        h.raw.notify("workspace/didChangeConfiguration", JsonParser.parseString("{\"settings\": null}")); // VS Code's
        List<MessageParams> logged = h.client.await(h.client.logged, l -> codes(l).size() >= 4, Duration.ofSeconds(10));
        List<String> codes = codes(logged);
        assertEquals(List.of(
                "WMP-8003 Invalid parameters: textDocument/didChange needs contentChanges[0].range.start and .end",
                "WMP-8003 Invalid parameters: textDocument/didChange needs textDocument.uri",
                "WMP-8003 Invalid parameters: textDocument/didSave: missing params"), codes.subList(0, 3));
        assertTrue(codes.get(3).startsWith("WMP-8003 Invalid parameters: warmup/modelState: Expected an int but was"
                + " 9223372036854775808") && codes.get(3).contains("path $.params.state"), codes.get(3));
        assertEquals(4, codes.size(), "nothing else went wrong: " + codes);
        h.flush();
        List<EventKind> recorded = h.injector.getInstance(UsageStore.class).allEvents().stream()
                .map(UsageEvent::kind).toList();
        assertEquals(List.of(EventKind.OPEN, EventKind.CHANGE), recorded);
    }

    @Test
    void aValueLsp4jsOwnReaderFailsOnIsWmp8003() throws Exception {
        try (RawLspProcess p = new RawLspProcess(dir.resolve("raw"))) {
            JsonObject started = p.request("initialize", JsonParser.parseString("{\"processId\": null, \"capabilities\":"
                    + " {}, \"clientInfo\": {}, \"workspaceFolders\": [{\"uri\": \"file:///w\"}]}")); // no names
            assertTrue(started.has("result"), "a client that leaves out a field LSP requires still starts: " + started);
            p.notify("initialized", new JsonObject());
            p.sendRaw("{\"jsonrpc\": \"2.0\", \"method\": \"textDocument/didChange\", \"params\": {\"textDocument\":"
                    + " {\"uri\": null, \"version\": 2}, \"contentChanges\": []}}"); // its setter refuses null
            JsonObject logged = p.await(m -> "window/logMessage".equals(m.has("method") ? m.get("method").getAsString()
                    : null) && m.getAsJsonObject("params").get("message").getAsString().startsWith("WMP-"));
            assertEquals("WMP-8003 Invalid parameters: textDocument/didChange: Property must not be null: uri path"
                    + " $.params.textDocument.uri", logged.getAsJsonObject("params").get("message").getAsString());
            assertTrue(p.request("warmup/status", null).has("result"), "the server goes on");
        }
    }

    private static List<String> codes(List<MessageParams> logged) {
        return logged.stream().map(MessageParams::getMessage).filter(m -> m.startsWith("WMP-")).toList();
    }

    private static String range() {
        return "{\"start\": {\"line\": 0, \"character\": 0}, \"end\": {\"line\": 0, \"character\": 0}}";
    }

    private static com.google.gson.JsonElement change(String range, String uri) {
        return JsonParser.parseString("{\"textDocument\": {\"uri\": " + uri + ", \"version\": 2}, \"contentChanges\":"
                + " [{\"range\": " + range + ", \"text\": \"y\"}]}");
    }
}
