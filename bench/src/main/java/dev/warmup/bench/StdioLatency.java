package dev.warmup.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/**
 * End-to-end latency of an empty completion answer over stdio: starts the server jar as an editor would, then sends
 * completion requests one at a time and times each round trip (write request → read response) with HdrHistogram.
 * Usage: {@code java -cp bench/target/benchmarks.jar dev.warmup.bench.StdioLatency server/target/warmup-server.jar [N]}
 */
public final class StdioLatency {
    private StdioLatency() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "server/target/warmup-server.jar");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int warmup = Math.max(1000, n / 5);
        Path data = Files.createTempDirectory("warmup-stdio-bench");
        Process p = new ProcessBuilder("java", "-Xmx256m", "-jar", jar.toString(), "--data-dir", data.toString(),
                "--log-level", "warn").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        OutputStream in = p.getOutputStream();
        InputStream out = p.getInputStream();
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"processId\":null,\"capabilities\":{}}}");
        LspFrames.readResponse(out, 0);
        send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
        send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":"
                + "\"file:///b.java\",\"languageId\":\"java\",\"version\":1,\"text\":\"class B {}\\n\"}}}");
        Histogram h = new Histogram(3);
        for (int i = 1; i <= warmup + n; i++) {
            String req = "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"textDocument/completion\",\"params\":"
                    + "{\"textDocument\":{\"uri\":\"file:///b.java\"},\"position\":{\"line\":0,\"character\":5}}}";
            long t0 = System.nanoTime();
            send(in, req);
            LspFrames.readResponse(out, i);
            long dt = System.nanoTime() - t0;
            if (i > warmup) {
                h.recordValue(dt);
            }
        }
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":-1,\"method\":\"shutdown\"}");
        LspFrames.readResponse(out, -1);
        send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
        p.waitFor();
        DataDirs.sizeAndDelete(data);
        System.out.printf("empty completion over stdio, %d requests after %d warm-up: p50 %.1f us, p90 %.1f us,"
                        + " p99 %.1f us, p99.9 %.1f us, max %.1f us%n", n, warmup,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }

    private static void send(OutputStream in, String body) throws Exception {
        LspFrames.write(in, body);
    }
}
