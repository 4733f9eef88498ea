package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server over stdio, sent well-formed messages of every method it serves with their params mutated at random
 * (a fixed seed, so every run sends the same): values replaced by ones of other types or out of range, fields left
 * out or added, params missing. Every request is answered, every error carries a WMP code other than WMP-8007 (an
 * internal error, "please report it"), everything the server logs to the client carries one too (none in LSP4J's own
 * words), and the server answers {@code warmup/status} after all of it.
 */
class ProtocolFuzzTest {
    private static final int MESSAGES = 1500;
    private static final JsonElement[] ODD = {JsonNull.INSTANCE, new JsonPrimitive(-1), new JsonPrimitive(0),
        new JsonPrimitive(1e308), new JsonPrimitive(new BigInteger("9223372036854775808")), new JsonPrimitive(0.5),
        new JsonPrimitive("x".repeat(300)), new JsonPrimitive(""), new JsonArray(), new JsonObject(),
        JsonParser.parseString("[1, \"a\", null]"), JsonParser.parseString("{\"a\": {\"b\": []}}"),
        new JsonPrimitive(true), new JsonPrimitive("2026-03-02T09:00:00Z"), new JsonPrimitive("completion"),
        new JsonPrimitive("custom:"), new JsonPrimitive("file:///a.py"), new JsonPrimitive("\u0000")};
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
            Map.entry("?workspace/executeCommand", "{\"command\": \"warmup.status\", \"arguments\": []}"),
            Map.entry("?workspace/executeCommand", "{\"command\": \"warmup.usageStats\", \"arguments\":"
                    + " [{\"model\": \"coder\"}]}"),
            Map.entry("?workspace/executeCommand", "{\"command\": \"warmup.pause\", \"arguments\": []}"),
            Map.entry("?workspace/executeCommand", "{\"command\": \"warmup.resume\", \"arguments\": []}"),
            Map.entry("notebookDocument/didOpen", "{\"notebookDocument\": {\"uri\": \"file:///w/n.ipynb\","
                    + " \"notebookType\": \"jupyter\", \"version\": 1, \"cells\": []}, \"cellTextDocuments\": []}"),
            Map.entry("$/cancelRequest", "{\"id\": 1}"));
    @TempDir Path dir;

    @Test
    void mutatedMessagesGetAWmpCodeOrAnAnswerAndTheServerGoesOn() throws Exception {
        Random random = new Random(20261130);
        try (RawLspProcess p = new RawLspProcess(dir.resolve("data"))) {
            p.initialize();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                Map.Entry<String, String> e = VALID.get(random.nextInt(VALID.size()));
                JsonElement valid = JsonParser.parseString(e.getValue());
                JsonElement params = valid.isJsonNull() ? (random.nextInt(3) == 0 ? odd(random) : null)
                        : random.nextInt(10) == 0 ? null : mutate(valid, random);
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

    private static JsonElement odd(Random random) {
        return ODD[random.nextInt(ODD.length)].deepCopy();
    }

    /** {@code v} with, at random, values replaced by odd ones, fields left out or added, lists lengthened. */
    private static JsonElement mutate(JsonElement v, Random random) {
        if (random.nextInt(4) == 0) {
            return odd(random);
        }
        if (v.isJsonObject()) {
            JsonObject out = new JsonObject();
            for (Map.Entry<String, JsonElement> f : v.getAsJsonObject().entrySet()) {
                if (random.nextInt(10) != 0) {
                    out.add(f.getKey(), random.nextBoolean() ? mutate(f.getValue(), random) : f.getValue());
                }
            }
            if (random.nextInt(5) == 0) {
                out.add(List.of("extra", "model", "task", "at", "kind", "uri", "text").get(random.nextInt(7)),
                        odd(random));
            }
            return out;
        }
        if (v.isJsonArray()) {
            JsonArray out = new JsonArray();
            v.getAsJsonArray().forEach(x -> out.add(mutate(x, random)));
            if (random.nextInt(5) == 0) {
                out.add(odd(random));
            }
            return out;
        }
        return v;
    }
}
