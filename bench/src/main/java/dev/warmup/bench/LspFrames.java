package dev.warmup.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** LSP base-protocol framing over a server's stdio ({@code Content-Length} header, blank line, UTF-8 body). */
final class LspFrames {
    private LspFrames() {}

    static void write(OutputStream out, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    /** The next message's body, or null when the server closed its output before a new message began. */
    static String read(InputStream in) throws IOException {
        int length = -1;
        StringBuilder line = new StringBuilder();
        boolean any = false;
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (any) {
                    throw new IOException("server closed its output inside a message header");
                }
                return null;
            }
            any = true;
            if (c != '\n') {
                line.append((char) c);
                continue;
            }
            String l = line.toString().trim();
            line.setLength(0);
            if (l.isEmpty()) {
                break;
            }
            if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(l.substring(15).trim());
            }
        }
        if (length < 0) {
            throw new IOException("message without Content-Length");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("server closed its output inside a message body");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Reads messages until the response with {@code id} and returns its body (notifications in between skipped). */
    static String readResponse(InputStream in, int id) throws IOException {
        String marker = "\"id\":" + id + ",";
        String markerEnd = "\"id\":" + id + "}";
        while (true) {
            String body = read(in);
            if (body == null) {
                throw new IOException("server closed its output");
            }
            if (body.contains(marker) || body.contains(markerEnd)) {
                return body;
            }
        }
    }
}
