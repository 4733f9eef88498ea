package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.server.JsonMutator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server over stdio, sent well-formed messages of every method it serves with their params mutated at random
 * (a fixed seed, so every run sends the same): values replaced by ones of other types or out of range, fields left
 * out or added, params missing. Every request is answered, every error carries a WMP code other than WMP-8007 (an
 * internal error, "please report it"), everything the server logs to the client carries one too (none in LSP4J's own
 * words), and the server answers {@code warmup/status} after all of it. {@code -Dfuzz.seed=N -Dfuzz.n=M} sends
 * another sequence, or a longer one, to look further (a code action's null kind was found so, at seed 1).
 */
class ProtocolFuzzTest {
    private static final int MESSAGES = Integer.getInteger("fuzz.n", 1500);
    private static final String DOC = "{\"uri\": \"file:///w/a.py\"}";
    private static final String POS = "{\"line\": 0, \"character\": 1}";
    private static final String RANGE = "{\"start\": " + POS + ", \"end\": " + POS + "}";
    private static final String MODEL = "{\"id\": \"coder\", \"tasks\": [\"completion\"], \"memoryMb\": 1500,"
            + " \"backend\": \"client\"}";
    /** Method to params, the requests' names starting with '?'. */
    private static final List<Map.Entry<String, String>> VALID = List.of(
            Map.entry("?warmup/status", "null"), Map.entry("?warmup/metrics", "null"),
            Map.entry("?warmup/predict", "{\"horizonSeconds\": 600, \"limit\": 2}"),
            Map.entry("?warmup/usageStats", "{\"model\": \"coder\", \"task\": \"completion\"}"),
            Map.entry("?warmup/registerModels", "{\"models\": [" + MODEL + "], \"replace\": false}"),
            Map.entry("warmup/modelUsed", "{\"model\": \"coder\", \"task\": \"completion\", \"at\":"
                    + " \"2026-03-02T09:00:00Z\", \"latencyMs\": 10, \"coldStart\": false}"),
            Map.entry("warmup/activity", "{\"kind\": \"caretMoved\"}"),
            Map.entry("warmup/modelState", "{\"model\": \"coder\", \"state\": \"ready\", \"loadMs\": 100,"
                    + " \"memoryMb\": 1500}"),
            Map.entry("textDocument/didOpen", "{\"textDocument\": {\"uri\": \"file:///w/a.py\", \"languageId\":"
                    + " \"python\", \"version\": 1, \"text\": \"print(1)\\n\"}}"),
            Map.entry("textDocument/didChange", "{\"textDocument\": {\"uri\": \"file:///w/a.py\", \"version\": 2},"
                    + " \"contentChanges\": [{\"range\": " + RANGE + ", \"text\": \"x\"}]}"),
            Map.entry("textDocument/didSave", "{\"textDocument\": " + DOC + "}"),
            Map.entry("textDocument/didClose", "{\"textDocument\": " + DOC + "}"),
            Map.entry("?textDocument/completion", "{\"textDocument\": " + DOC + ", \"position\": " + POS
                    + ", \"context\": {\"triggerKind\": 2, \"triggerCharacter\": \".\"}}"),
            Map.entry("?textDocument/codeAction", "{\"textDocument\": " + DOC + ", \"range\": " + RANGE
                    + ", \"context\": {\"diagnostics\": [], \"only\": [\"quickfix\"]}}"),
            Map.entry("workspace/didChangeConfiguration", "{\"settings\": {\"warmup\": {\"maxWarmModels\": 3,"
                    + " \"models\": [" + MODEL + "]}}}"),
            Map.entry("workspace/didChangeConfiguration", "{\"settings\": {\"warmup\": {\"maxMemoryMb\": 8192,"
                    + " \"predictionThreshold\": 0.8, \"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                    + " \"http://127.0.0.1:9\", \"keepAlive\": \"30m\", \"timeoutSeconds\": 1}, \"cpp\": {\"type\":"
                    + " \"llamacpp\", \"url\": \"http://localhost:9\"}}, \"models\": [{\"id\": \"coder\","
                    + " \"tasks\": [\"completion\"], \"memoryMb\": 1500, \"loadSeconds\": 3, \"backend\":"
                    + " \"local\"}, {\"id\": \"chat\", \"tasks\": [\"chat\"], \"backend\": \"cpp\"}]}}}"),
            Map.entry("?workspace/executeCommand", "{\"command\": \"warmup.status\", \"arguments\": []}"),
            Map.entry("?workspace/executeCommand", "{\"command\": \"warmup.usageStats\", \"arguments\":"
                    + " [{\"model\": \"coder\"}]}"),
            Map.entry("?workspace/executeCommand", "{\"command\": \"warmup.pause\", \"arguments\": []}"),
            Map.entry("?workspace/executeCommand", "{\"command\": \"warmup.exportTrace\", \"arguments\": [null]}"),
            Map.entry("?workspace/executeCommand", "{\"command\": \"warmup.resume\", \"arguments\": []}"),
            Map.entry("notebookDocument/didOpen", "{\"notebookDocument\": {\"uri\": \"file:///w/n.ipynb\","
                    + " \"notebookType\": \"jupyter\", \"version\": 1, \"cells\": []}, \"cellTextDocuments\": []}"),
            Map.entry("$/cancelRequest", "{\"id\": 1}"),
            Map.entry("$/progress", "{\"token\": \"t\", \"value\": {\"kind\": \"end\"}}"),
            Map.entry("window/logMessage", "{\"type\": 3, \"message\": \"the client's method, not ours\"}"),
            Map.entry("?window/showMessageRequest", "{\"type\": 3, \"message\": \"the client's method\"}"));
    @TempDir Path dir;

    @Test
    void mutatedMessagesGetAWmpCodeOrAnAnswerAndTheServerGoesOn() throws Exception {
        JsonMutator random = new JsonMutator(Long.getLong("fuzz.seed", 20261130));
        try (RawLspProcess p = new RawLspProcess(dir.resolve("data"))) {
            p.initialize();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                Map.Entry<String, String> e = VALID.get(random.nextInt(VALID.size()));
                JsonElement valid = JsonParser.parseString(e.getValue());
                JsonElement params = valid.isJsonNull() ? (random.oneIn(3) ? random.odd() : null)
                        : random.oneIn(10) ? null : random.mutate(valid);
                String method = e.getKey().replace("?", "");
                if (e.getKey().startsWith("?")) {
                    sent.add(method + " " + params);
                    JsonObject answer = p.request(method, params);
                    if (answer.has("error")) {
                        JsonObject error = answer.getAsJsonObject("error");
                        String code = error.has("data") && error.get("data").isJsonObject()
                                ? error.getAsJsonObject("data").get("code").getAsString() : "none";
                        assertTrue(code.startsWith("WMP-") && !code.equals("WMP-8007"),
                                method + " " + params + " → " + answer);
                    }
                } else {
                    p.notify(method, params);
                }
            }
            assertTrue(p.request("warmup/status", null).has("result"), "the server goes on");
            assertTrue(p.request("warmup/status", null).has("result")); // the log of all before it has come
            List<String> logged = p.drain().stream().filter(m -> m.has("method")
                    && "window/logMessage".equals(m.get("method").getAsString()))
                    .map(m -> m.getAsJsonObject("params").get("message").getAsString()).toList();
            assertEquals(List.of(), logged.stream().filter(m -> !m.startsWith("WMP-") || m.startsWith("WMP-8007"))
                    .toList(), "every message to the editor has its code, none is an internal error");
            assertTrue(sent.size() > MESSAGES / 3, "requests were among them: " + sent.size());
        }
    }
}
