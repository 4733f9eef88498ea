package dev.warmup.server.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warmup.server.usage.EventKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSONL trace format as {@link JsonlTraceReader} reads it: what it takes, and each refusal in one message. */
class JsonlTraceReaderTest {
    private static List<JsonlTraceReader.Row> read(String text) throws IOException {
        List<JsonlTraceReader.Row> rows = new ArrayList<>();
        JsonlTraceReader.read(new BufferedReader(new StringReader(text)), "t.jsonl", rows::add);
        return rows;
    }

    @Test
    void fieldsAreReadAsDocumentedAndNumbersOrBooleansAsTheirText() throws IOException {
        List<JsonlTraceReader.Row> rows = read("""
                {"user": "me", "at": 1732270000000, "kind": "model_used", "detail": "inferred", "task": "chat",\
                 "model": "qwen", "language": "java"}

                {"user": 27, "at": 2.0, "kind": "CHANGE", "detail": true}
                {"at": -5, "kind": "trace", "task": null}
                """);
        assertEquals(List.of(
                new JsonlTraceReader.Row("me", 1732270000000L, EventKind.MODEL_USED, "inferred", "chat", "qwen", "java"),
                new JsonlTraceReader.Row("27", 2, EventKind.CHANGE, "true", null, null, null),
                new JsonlTraceReader.Row("user", -5, EventKind.TRACE, null, null, null, null)), rows);
    }

    @Test
    void aBadLineIsNamedWithItsNumberAndWhatIsWrong() {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("[1]", "not a JSON object");
        refused.put("{\"at\": 1, \"kind\": \"change\"} x", "not a JSON object (malformed at column 30)");
        refused.put("{\"kind\": \"change\"}", "'at' (epoch milliseconds) is required");
        refused.put("{\"at\": \"1\", \"kind\": \"change\"}", "'at' (epoch milliseconds) is required");
        refused.put("{\"at\": 1.5, \"kind\": \"change\"}", "'at' = 1.5 is not a whole number of epoch milliseconds");
        refused.put("{\"at\": 1e300, \"kind\": \"change\"}",
                "'at' = 1e300 is not a whole number of epoch milliseconds");
        refused.put("{\"at\": 9223372036854775808, \"kind\": \"change\"}",
                "'at' = 9223372036854775808 is not a whole number of epoch milliseconds");
        refused.put("{\"at\": 1}", "'kind' is required");
        refused.put("{\"at\": 1, \"kind\": \"typing\"}", "unknown kind 'typing'");
        refused.put("{\"at\": 1, \"kind\": [\"change\"]}", "'kind' = [\"change\"] is not a string");
        refused.put("{\"user\": {\"a\": 1}, \"at\": 1, \"kind\": \"change\"}", "'user' = {\"a\":1} is not a string");
        refused.put("{\"at\": 1, \"kind\": \"change\", \"task\": [\"chat\", \"completion\"]}",
                "'task' = [\"chat\",\"completion\"] is not a string");
        for (Map.Entry<String, String> c : refused.entrySet()) {
            IOException e = assertThrows(IOException.class,
                    () -> read("{\"at\": 0, \"kind\": \"open\"}\n" + c.getKey() + "\n"), c.getKey());
            assertEquals("t.jsonl:2: " + c.getValue(), e.getMessage(), c.getKey());
        }
    }
}
