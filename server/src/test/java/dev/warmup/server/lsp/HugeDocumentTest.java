package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A document far larger than the server's heap, opened and then replaced whole, as Neovim sends any file it opens:
 * the real server as a child process with the editors' 256 MB heap. A 80 MB didOpen used to run it out of memory.
 */
class HugeDocumentTest {
    private static final int MIB = 1 << 20;
    private static final int SIZE_MIB = 300;

    @TempDir Path dir;

    @Test
    void aDocumentLargerThanTheHeapIsReadAndTheServerGoesOn() throws Exception {
        Path log = dir.resolve("huge.log");
        try (RawLspProcess p = RawLspProcess.loggingTo(dir.resolve("data"), log)) {
            p.initialize();
            sendHuge(p, "{\"jsonrpc\": \"2.0\", \"method\": \"textDocument/didOpen\", \"params\": {\"textDocument\":"
                    + " {\"uri\": \"file:///w/huge.log\", \"languageId\": \"log\", \"version\": 1, \"text\": \"", "\"}}}");
            sendHuge(p, "{\"jsonrpc\": \"2.0\", \"method\": \"textDocument/didChange\", \"params\": {\"textDocument\":"
                    + " {\"uri\": \"file:///w/huge.log\", \"version\": 2}, \"contentChanges\": [{\"text\": \"", "\"}]}}");
            p.notify("textDocument/didChange", JsonParser.parseString("{\"textDocument\": {\"uri\":"
                    + " \"file:///w/huge.log\", \"version\": 3}, \"contentChanges\": [{\"range\": {\"start\":"
                    + " {\"line\": 0, \"character\": 0}, \"end\": {\"line\": 0, \"character\": 0}}, \"text\": \"x\"}]}"));
            var recorded = p.command("warmup.metrics").getAsJsonObject("eventsRecorded");
            assertEquals(1, recorded.get("open").getAsLong(), recorded.toString());
            assertEquals(2, recorded.get("change").getAsLong(), recorded.toString());
            assertTrue(p.process.isAlive());
        }
        String logged = Files.readString(log);
        assertTrue(logged.contains("a message held a string longer than 8 MiB"), logged);
    }

    /** One frame whose string between {@code head} and {@code tail} is {@link #SIZE_MIB} MiB of 80-byte lines. */
    private static void sendHuge(RawLspProcess p, String head, String tail) throws IOException {
        byte[] chunk = new byte[MIB];
        Arrays.fill(chunk, (byte) 'x');
        for (int i = 79; i < MIB; i += 80) {
            chunk[i - 1] = '\\';
            chunk[i] = 'n';
        }
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        long length = h.length + (long) SIZE_MIB * MIB + t.length;
        p.sendBytes(("Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        p.sendBytes(h);
        for (int i = 0; i < SIZE_MIB; i++) {
            p.sendBytes(chunk);
        }
        p.sendBytes(t);
    }
}
