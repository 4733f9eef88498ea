package dev.warmup.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;

/**
 * Well-formed JSON made odd at random, for fuzzing what reads it (the server's messages from a client, a model
 * server's answers): values replaced by ones of other types or out of range, fields left out or added, lists
 * lengthened by odd elements. Seeded, so a test sends the same each run. Not thread-safe.
 */
public final class JsonMutator {
    private static final List<JsonElement> ODD = List.of(JsonNull.INSTANCE, new JsonPrimitive(-1),
            new JsonPrimitive(0), new JsonPrimitive(0.5), new JsonPrimitive(1e308),
            new JsonPrimitive(new BigInteger("9223372036854775808")), new JsonPrimitive("x".repeat(300)),
            new JsonPrimitive(""), new JsonPrimitive("\u0000"), new JsonPrimitive(true), new JsonArray(),
            new JsonObject(), JsonParser.parseString("[1, \"a\", null]"), JsonParser.parseString("{\"a\": {\"b\": []}}"),
            new JsonPrimitive("2030-13-45T99:00:00Z"), new JsonPrimitive("file:///a.py"),
            new JsonPrimitive("completion"), new JsonPrimitive("custom:"));
    private static final List<String> EXTRA_FIELDS = List.of("extra", "id", "model", "task", "at", "kind", "uri",
            "text", "size");
    private final Random random;

    public JsonMutator(long seed) {
        random = new Random(seed);
    }

    /** Whether to do something that happens one time in {@code n}. */
    public boolean oneIn(int n) {
        return random.nextInt(n) == 0;
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** A value of no particular shape: null, a number out of range, an empty list, a long string… */
    public JsonElement odd() {
        return ODD.get(random.nextInt(ODD.size())).deepCopy();
    }

    /** {@code v} with, at random, values replaced by odd ones, fields left out or added, lists lengthened. */
    public JsonElement mutate(JsonElement v) {
        if (oneIn(4)) {
            return odd();
        }
        if (v.isJsonObject()) {
            JsonObject out = new JsonObject();
            v.getAsJsonObject().entrySet().forEach(f -> {
                if (!oneIn(10)) {
                    out.add(f.getKey(), random.nextBoolean() ? mutate(f.getValue()) : f.getValue());
                }
            });
            if (oneIn(5)) {
                out.add(EXTRA_FIELDS.get(random.nextInt(EXTRA_FIELDS.size())), odd());
            }
            return out;
        }
        if (v.isJsonArray()) {
            JsonArray out = new JsonArray();
            v.getAsJsonArray().forEach(e -> out.add(mutate(e)));
            if (oneIn(5)) {
                out.add(odd());
            }
            return out;
        }
        return v;
    }
}
