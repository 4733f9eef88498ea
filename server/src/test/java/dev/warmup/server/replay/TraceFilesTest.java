package dev.warmup.server.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class TraceFilesTest {
    private static final String JSONL = """
            {"user": "a", "at": 1000, "kind": "open"}
            {"user": "a", "at": 2000, "kind": "model_used", "task": "chat", "model": "m"}
            {"user": "b", "at": 1500, "kind": "model_used", "task": "completion", "model": "c"}
            """;

    @TempDir Path dir;

    @Test
    void aCompressedJsonlTraceReadsAsThePlainOne() throws Exception {
        Path plain = dir.resolve("t.jsonl");
        Files.writeString(plain, JSONL);
        Path gz = dir.resolve("t.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(JSONL.getBytes(StandardCharsets.UTF_8));
        }
        Path xz = dir.resolve("t.jsonl.xz");
        try (OutputStream out = new XZOutputStream(Files.newOutputStream(xz), new LZMA2Options())) {
            out.write(JSONL.getBytes(StandardCharsets.UTF_8));
        }
        Trace expected = new JsonlTraceSource().read(plain);
        for (Path p : new Path[] {gz, xz}) {
            Trace t = new JsonlTraceSource().read(p);
            assertEquals(expected.tasks(), t.tasks(), p.toString());
            assertEquals(expected.users().size(), t.users().size(), p.toString());
            for (int u = 0; u < t.users().size(); u++) {
                assertEquals(expected.users().get(u).size(), t.users().get(u).size(), p.toString());
                assertEquals(expected.users().get(u).times()[0], t.users().get(u).times()[0], p.toString());
            }
        }
        assertEquals(2, expected.users().size());
    }

    @Test
    void aCompressedFileUnderAPlainNameIsNamedAsSuch() throws Exception {
        Path disguised = dir.resolve("t.jsonl");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(disguised))) {
            out.write(JSONL.getBytes(StandardCharsets.UTF_8));
        }
        IOException e = assertThrows(IOException.class, () -> new JsonlTraceSource().read(disguised));
        assertTrue(e.getMessage().contains("t.jsonl: not UTF-8 text"), e.getMessage());
        assertTrue(e.getMessage().contains("*.xz or *.gz"), e.getMessage());
    }

    @Test
    void damagedCompressedDataIsNamedWithTheFile() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            lines.append("{\"user\": \"a\", \"at\": ").append(i).append(", \"kind\": \"open\"}\n");
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] z = bytes.toByteArray();
        for (int i = 200; i < 260; i++) {
            z[i] ^= 0x55;
        }
        Path damaged = dir.resolve("d.jsonl.gz");
        Files.write(damaged, z);
        IOException e = assertThrows(IOException.class, () -> new JsonlTraceSource().read(damaged));
        assertTrue(e.getMessage().startsWith(damaged + ": damaged gzip data: "), e.getMessage());
    }

    @Test
    void aMalformedLineIsNamedWithItsColumnAndNoParserAdvice() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"at\": 1, \"kind\": \"open\"}\nnot json\n");
        IOException e = assertThrows(IOException.class, () -> new JsonlTraceSource().read(bad));
        assertTrue(e.getMessage().endsWith("bad.jsonl:2: not a JSON object (malformed at column 6)"), e.getMessage());
        assertFalse(e.getMessage().contains("Strictness"), e.getMessage());
    }

    @Test
    void aBlazeRowWithABadTimestampIsNamed() throws Exception {
        Files.writeString(dir.resolve("MessageList.csv"),
                "id,message,num_users,category\n0,Build.BuildSolution,1,Build\n");
        Path trace = dir.resolve("events.csv");
        Files.writeString(trace, "timestamp,developer_id,message\n2013-11-22 12:55:25,1,Build.BuildSolution\n"
                + "22/11/2013 12:56,1,Build.BuildSolution\n");
        IOException e = assertThrows(IOException.class, () -> new BlazeTraceSource().read(trace));
        assertTrue(e.getMessage().endsWith(
                "events.csv: row 3: timestamp '22/11/2013 12:56' is not YYYY-MM-DD HH:MM:SS"),
                e.getMessage());
    }
}
