package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameBodyTest {
    /** The body read through a cap of {@code limit} bytes, one byte at a time from below when {@code trickle}. */
    private static String capped(String json, int limit, boolean trickle) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        InputStream source = new ByteArrayInputStream(bytes);
        InputStream below = trickle ? new InputStream() {
            @Override
            public int read() throws IOException {
                return source.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : source.read(b, off, 1);
            }
        } : source;
        try (FrameBody in = new FrameBody(new PushbackInputStream(below, FrameBody.PUSHBACK), bytes.length, limit)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Reads a body of {@code length} bytes from {@code stream}; what the stream holds after it. */
    private static String[] bodyAndRest(String stream, int length) throws IOException {
        return bodyAndRest(stream, length, Integer.MAX_VALUE);
    }

    /** {@link #bodyAndRest(String, int)} from a stream that gives at most {@code most} bytes a read, all come. */
    private static String[] bodyAndRest(String stream, int length, int most) throws IOException {
        ByteArrayInputStream source = new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8));
        InputStream pieces = new InputStream() {
            @Override
            public int read() {
                return source.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return source.read(b, off, Math.min(len, most));
            }

            @Override
            public int available() {
                return source.available();
            }
        };
        PushbackInputStream in = new PushbackInputStream(pieces, FrameBody.PUSHBACK);
        String body = new String(new FrameBody(in, length, Integer.MAX_VALUE).readAllBytes(), StandardCharsets.UTF_8);
        return new String[] {body, new String(in.readAllBytes(), StandardCharsets.UTF_8)};
    }

    @Test
    void whereverTheStreamsPiecesEndTheBodyAndWhatGoesBackAreTheSame() throws IOException {
        String next = "Content-Length: 2\r\n\r\n{}";
        String body = "{\"a\": [1, {\"b\": \"}]{[\\\"\"}], \"c\": null}";
        String[][] cases = { // the stream, the Content-Length, the body, what is left
            {body + next, String.valueOf(body.length() + 2), body, next},
            {body + next, String.valueOf(body.length() + 200), body, next},
            {body + "Co", String.valueOf(body.length() + 2), body, "Co"},
            {body + " \r\n content-type: x", String.valueOf(body.length() + 12), body, "content-type: x"},
            {body + " \r\n\t", String.valueOf(body.length() + 4), body, ""},
            {body + " \r\n\txy", String.valueOf(body.length() + 5), body + "x", "y"},
        };
        for (int most = 1; most <= body.length() + 12; most++) { // the object's end at every place in a piece
            for (String[] c : cases) {
                assertArrayEquals(new String[] {c[2], c[3]}, bodyAndRest(c[0], Integer.parseInt(c[1]), most),
                        "pieces of " + most + " bytes, length " + c[1] + ": " + c[0]);
            }
        }
    }

    @Test
    void aBodyEndsWhereItsObjectEndsAndWhatFollowsWithinTheLengthGoesBack() throws IOException {
        String next = "Content-Length: 2\r\n\r\n{}";
        String body = "{\"a\": [1, {\"b\": \"}]{[\\\"\"}], \"c\": null}";
        assertArrayEquals(new String[] {body, next}, bodyAndRest(body + next, body.length()), "the length right");
        assertArrayEquals(new String[] {body, next}, bodyAndRest(body + next, body.length() + 2),
                "two too many (a line end not sent): the next frame's header is given back");
        assertArrayEquals(new String[] {body, next}, bodyAndRest(body + next, body.length() + 200),
                "past the next frame's end: all of it is given back");
        assertArrayEquals(new String[] {body, "Co"}, bodyAndRest(body + "Co", body.length() + 2),
                "as much of the next header as the length holds");
        assertArrayEquals(new String[] {body, "content-type: x"}, bodyAndRest(body + " \r\n content-type: x",
                body.length() + 12), "after white space, in any case");
        assertArrayEquals(new String[] {body, ""}, bodyAndRest(body + " \r\n\t", body.length() + 4),
                "white space after the object is the body's");
        assertArrayEquals(new String[] {body + "x", "y"}, bodyAndRest(body + " \r\n\t" + "xy", body.length() + 5),
                "anything else is the body's too, for the parser to refuse");
        assertArrayEquals(new String[] {"[1, [2]][3]", ""}, bodyAndRest("[1, [2]][3]", 11), "an array as well");
        assertArrayEquals(new String[] {"{\"a\": 1", ""}, bodyAndRest("{\"a\": 1", 20), "cut short: as it is");
        assertArrayEquals(new String[] {"\"}\" 7", ""}, bodyAndRest("\"}\" 7", 5), "no object: read to the length");
    }

    @Test
    void stringsAreCutAtTheCapAndTheRestOfTheJsonIsKept() throws IOException {
        assertEquals("{\"abc\": \"abc\", \"n\": [1, true]}", capped("{\"abc\": \"abc\", \"n\": [1, true]}", 3, false),
                "at the cap: as it was");
        assertEquals("{\"tex\": \"012\", \"n\": [1, true]}", capped("{\"text\": \"0123456\", \"n\": [1, true]}", 3,
                true), "keys and values alike; a read whose bytes were all skipped does not end the stream");
    }

    @Test
    void theCutNeverFallsInsideAnEscapeOrACharacter() throws IOException {
        assertEquals("\"ab\\\"\"", capped("\"ab\\\"cd\"", 3, false), "an escape begun before the cap is kept whole");
        assertEquals("\"ab\"", capped("\"ab\\\"cd\"", 2, false), "an escape at the cap is skipped whole");
        assertEquals("\"a\\u00e9\"", capped("\"a\\u00e9b\"", 2, false),
                "a \\u escape begun before the cap is kept, all six bytes");
        assertEquals("\"a\u00e9\"", capped("\"a\u00e9b\"", 2, false), "\u00e9 is two bytes in UTF-8, kept whole");
        assertEquals("\"a\"", capped("\"a\u00e9b\"", 1, false), "a cap at a character's first byte skips it");
        assertEquals("\"\\\\\"", capped("\"\\\\\\\\\"", 2, false),
                "an escaped backslash after the cap does not escape the closing quote");
    }

    @Test
    void randomJsonStaysValidWithEveryStringAPrefixOfItself() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            JsonElement original = randomValue(random, 3);
            String json = original.toString();
            int limit = 1 + random.nextInt(12);
            JsonElement read = JsonParser.parseString(capped(json, limit, false));
            assertPrefix(original, read, limit, json);
        }
    }

    private static void assertPrefix(JsonElement original, JsonElement read, int limit, String json) {
        if (original.isJsonObject()) {
            var o = original.getAsJsonObject().entrySet().iterator();
            var r = read.getAsJsonObject().entrySet().iterator();
            while (o.hasNext()) {
                var a = o.next();
                var b = r.next();
                assertString(a.getKey(), b.getKey(), limit, json);
                assertPrefix(a.getValue(), b.getValue(), limit, json);
            }
            assertTrue(!r.hasNext(), json);
        } else if (original.isJsonArray()) {
            JsonArray a = original.getAsJsonArray();
            JsonArray b = read.getAsJsonArray();
            assertEquals(a.size(), b.size(), json);
            for (int i = 0; i < a.size(); i++) {
                assertPrefix(a.get(i), b.get(i), limit, json);
            }
        } else if (original.isJsonPrimitive() && original.getAsJsonPrimitive().isString()) {
            assertString(original.getAsString(), read.getAsString(), limit, json);
        } else {
            assertEquals(original, read, json);
        }
    }

    /** A string read through the cap: itself when its JSON fits the cap, else a prefix holding what the cap allows. */
    private static void assertString(String original, String read, int limit, String json) {
        String source = new JsonPrimitive(original).toString();
        int bytes = source.getBytes(StandardCharsets.UTF_8).length - 2; // without the quotes
        if (bytes <= limit) {
            assertEquals(original, read, json);
        } else {
            assertTrue(original.startsWith(read), json + ": " + read);
            int readBytes = new JsonPrimitive(read).toString().getBytes(StandardCharsets.UTF_8).length - 2;
            assertTrue(readBytes >= limit && readBytes <= limit + 5, "cut at the first whole character or escape at"
                    + " or past the cap: " + json + " (cap " + limit + "): " + read);
        }
    }

    private static JsonElement randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 5 : 3);
        switch (kind) {
            case 0:
                return new JsonPrimitive(random.nextInt(1000));
            case 1:
            case 2:
                return new JsonPrimitive(randomString(random));
            case 3: {
                JsonArray a = new JsonArray();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomValue(random, depth - 1));
                }
                return a;
            }
            default: {
                JsonObject o = new JsonObject();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.add(i + randomString(random), randomValue(random, depth - 1)); // keys stay apart once cut
                }
                return o;
            }
        }
    }

    private static final String ALPHABET = "ab\"\\\n\t\u00e9\u20ac\u0001/";

    private static String randomString(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(16); i > 0; i--) {
            if (random.nextInt(10) == 0) {
                s.appendCodePoint(0x1F600 + random.nextInt(16)); // beyond the BMP: a surrogate pair, 4 UTF-8 bytes
            } else {
                s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
        }
        return s.toString();
    }
}
