package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderLimitTest {
    private static HeaderLimit over(String bytes) {
        return new HeaderLimit(new PushbackInputStream(new ByteArrayInputStream(bytes.getBytes(
                StandardCharsets.ISO_8859_1))));
    }

    private static String read(HeaderLimit in, int n) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) in.read());
        }
        return s.toString();
    }

    @Test
    void aHeaderWithoutEndGetsABlankLineEveryMaxBytes() throws IOException {
        HeaderLimit in = over("a".repeat(HeaderLimit.MAX * 2 + 5));
        assertEquals("a".repeat(HeaderLimit.MAX) + "\n\n", read(in, HeaderLimit.MAX + 2));
        assertTrue(in.refused(), "ended here");
        assertFalse(in.refused(), "asking clears it");
        assertEquals("a".repeat(HeaderLimit.MAX) + "\n\n" + "aaaaa", read(in, HeaderLimit.MAX + 7));
        assertEquals(-1, in.read());
    }

    @Test
    void afterALineEndOneLineEndMakesTheBlankLine() throws IOException {
        String line = "x".repeat(1022) + "\r\n"; // 1,024 bytes a line: the limit falls just after a line end
        HeaderLimit in = over(line.repeat(HeaderLimit.MAX / 1024 + 1));
        assertEquals(line.repeat(HeaderLimit.MAX / 1024) + "\n", read(in, HeaderLimit.MAX + 1));
        assertTrue(in.refused());
        assertEquals(line, read(in, line.length()));
    }

    @Test
    void eachHeaderIsCountedFromItsStartAndBodiesAreNotCounted() throws IOException {
        String header = "Content-Length: 70000\r\n\r\n";
        String body = "b".repeat(70_000);
        HeaderLimit in = over((header + body).repeat(3));
        for (int i = 0; i < 3; i++) {
            assertEquals(header, read(in, header.length()));
            in.bodyFollows();
            assertEquals(body, new String(in.raw().readNBytes(body.length()), StandardCharsets.ISO_8859_1));
        }
        assertEquals(-1, in.read());
        assertFalse(in.refused());
    }
}
