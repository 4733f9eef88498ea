package dev.warmup.bench;

import dev.warmup.server.metrics.ProcStatus;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How long an editor waits for the server: from launching the jar with the flags the clients use to the
 * {@code initialize} answer, and to the first {@code warmup/status} answer after {@code initialized}. The first start
 * is on an empty data directory; the others reuse it, as every later start of an editor does. With {@code --cds}
 * (Java 19 or later) the clients' class-data archive too: none at the first start, written as it exits, used after.
 * The last start then stays idle for 30 s, and its resident memory is read (Linux's /proc); then the CPU time it
 * spends over {@code -Didle.cpuSeconds} more (120 unless told; 0 skips it), idle, with no model server to watch: what
 * each editor window's server costs all day while its developer works elsewhere.
 * Usage: {@code java [-Didle.cpuSeconds=S] -cp bench/target/benchmarks.jar dev.warmup.bench.StartupTime
 * server/target/warmup-server.jar [N [JAVA [--cds]]]}
 */
public final class StartupTime {
    private static final long IDLE_MILLIS = 30_000;

    private StartupTime() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "server/target/warmup-server.jar");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String java = args.length > 2 ? args[2] : "java";
        boolean cds = args.length > 3 && args[3].equals("--cds");
        Path data = Files.createTempDirectory("warmup-startup-bench");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-Xms32m", "-XX:+ExitOnOutOfMemoryError",
                "-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:+DisplayVMOutputToStderr", "-Xlog:disable",
                "-Xlog:all=warning,cds*=off:stderr"));
        if (cds) {
            command.addAll(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + data.resolve("a.jsa")));
        }
        command.addAll(List.of("-jar", jar.toString(), "--data-dir", data.toString(), "--log-level", "warn"));
        long[] initialize = new long[n];
        long[] status = new long[n];
        long residentKb = -1;
        long idleCpuSeconds = Long.getLong("idle.cpuSeconds", 120);
        Duration idleCpu = null;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            OutputStream in = p.getOutputStream();
            InputStream out = p.getInputStream();
            LspFrames.write(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                    + "\"params\":{\"processId\":null,\"capabilities\":{}}}");
            LspFrames.readResponse(out, 1);
            initialize[i] = System.nanoTime() - t0;
            LspFrames.write(in, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
            LspFrames.write(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"warmup/status\"}");
            LspFrames.readResponse(out, 2);
            status[i] = System.nanoTime() - t0;
            if (i == n - 1) { // what an editor window's server holds while the developer works elsewhere
                Thread.sleep(IDLE_MILLIS);
                residentKb = ProcStatus.residentKb(p.pid()).orElse(-1);
                if (idleCpuSeconds > 0) {
                    Duration before = ProcessStats.cpu(p);
                    Thread.sleep(idleCpuSeconds * 1000);
                    idleCpu = ProcessStats.cpu(p).minus(before);
                }
            }
            LspFrames.write(in, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"shutdown\"}");
            LspFrames.readResponse(out, 3);
            LspFrames.write(in, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
            if (p.waitFor() != 0) {
                throw new IllegalStateException("server exited with " + p.exitValue());
            }
        }
        boolean archived = Files.exists(data.resolve("a.jsa"));
        DataDirs.sizeAndDelete(data);
        String archive = archived ? "written and used" : "NOT written";
        System.out.printf("%s%s%n", java, cds ? ", class-data archive " + archive : "");
        System.out.printf("launch to initialize answer: first start (empty data directory) %d ms; the %d starts after:"
                + " %s%n", initialize[0] / 1_000_000, n - 1, summary(Arrays.copyOfRange(initialize, 1, n)));
        System.out.printf("launch to first warmup/status answer: first start %d ms; after: %s%n",
                status[0] / 1_000_000, summary(Arrays.copyOfRange(status, 1, n)));
        System.out.println(residentKb < 0 ? "resident memory: not measured (no /proc)" : String.format(
                "resident memory %d s after the last start, idle: %d MB", IDLE_MILLIS / 1000, residentKb / 1024));
        if (idleCpu != null) {
            System.out.printf("CPU time over the %d s idle after that: %.2f s (%.2f %% of one core)%n", idleCpuSeconds,
                    idleCpu.toMillis() / 1000.0, 100.0 * idleCpu.toMillis() / (idleCpuSeconds * 1000.0));
        }
    }

    private static String summary(long[] nanos) {
        if (nanos.length == 0) {
            return "none";
        }
        long[] ms = Arrays.stream(nanos).map(x -> x / 1_000_000).sorted().toArray();
        return "median " + ms[ms.length / 2] + " ms, min " + ms[0] + " ms, max " + ms[ms.length - 1] + " ms";
    }
}
