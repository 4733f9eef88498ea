package dev.warmup.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.server.metrics.ProcStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The server under a production arrival process: an orchestrator reports every request of Azure's two LLM
 * inference services (the Splitwise trace, {@code ../shared/data/azure-llm-inference-2023}: "code" as a completion
 * model, "conversation" as a chat model, about an hour) to the server jar over stdio as {@code warmup/modelUsed}, at
 * the trace's own arrival times divided by a speed-up, answering the server's {@code warmup/load} and
 * {@code warmup/unload} at once with {@code warmup/modelState}, as a model server that loads instantly would. Once a
 * second it times a {@code warmup/status} round trip. Reports the server's CPU time and peak resident memory over the
 * load (and, for comparison, over 30 s idle before it), the status latency under the load, and that every report was
 * recorded and stored (none dropped).
 * Usage: {@code java -cp bench/target/benchmarks.jar dev.warmup.bench.AzureLoad server/target/warmup-server.jar
 * [../shared/data/azure-llm-inference-2023] [speed-up, default 10]}.
 */
public final class AzureLoad {
    private static final long IDLE_MILLIS = 30_000;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSS");
    private static final String MODELS = "[{\"id\":\"code-model\",\"tasks\":[\"completion\"],\"memoryMb\":1500,"
            + "\"loadSeconds\":3},{\"id\":\"chat-model\",\"tasks\":[\"chat\"],\"memoryMb\":5500,\"loadSeconds\":10}]";

    private record Arrival(long nanos, String model, String task) {}

    private final Process server;
    private final OutputStream toServer;
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, AtomicInteger> notifications = new ConcurrentHashMap<>();
    /** The reader's own messages go out from here, so that it never waits on a write while the server waits on it. */
    private final ExecutorService replies = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "azure-load-replies");
        t.setDaemon(true);
        return t;
    });

    private AzureLoad(Process server) {
        this.server = server;
        this.toServer = server.getOutputStream();
        Thread reader = new Thread(this::readAll, "azure-load-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "server/target/warmup-server.jar");
        Path dir = Path.of(args.length > 1 ? args[1] : "../shared/data/azure-llm-inference-2023");
        double speed = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        List<Arrival> arrivals = new ArrayList<>();
        read(dir.resolve("AzureLLMInferenceTrace_code.csv"), "code-model", "completion", arrivals);
        read(dir.resolve("AzureLLMInferenceTrace_conv.csv"), "chat-model", "chat", arrivals);
        arrivals.sort(Comparator.comparingLong(Arrival::nanos));
        long first = arrivals.get(0).nanos();

        Path data = Files.createTempDirectory("warmup-azure-load");
        Path log = data.resolve("server.log");
        Process p = new ProcessBuilder("java", "-Xmx256m", "-jar", jar.toString(), "--data-dir", data.toString(),
                "--log-level", "warn").redirectError(log.toFile()).start();
        AzureLoad load = new AzureLoad(p);
        load.request("initialize", "{\"processId\":null,\"capabilities\":{},\"initializationOptions\":{\"settings\":"
                + "{\"warmup\":{\"maxMemoryMb\":8192,\"models\":" + MODELS + "}}}}").get(60, TimeUnit.SECONDS);
        load.notify("initialized", "{}");
        load.request("warmup/status", "{}").get(60, TimeUnit.SECONDS);
        Duration cpuIdle = ProcessStats.cpu(p);
        Thread.sleep(IDLE_MILLIS); // what the server costs with nothing to do, for comparison
        Duration cpuBefore = ProcessStats.cpu(p);
        cpuIdle = cpuBefore.minus(cpuIdle);

        Histogram status = new Histogram(3);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            long t0 = System.nanoTime();
            load.request("warmup/status", "{}").thenRun(() -> {
                synchronized (status) {
                    status.recordValue(System.nanoTime() - t0);
                }
            });
        }, 1, 1, TimeUnit.SECONDS);

        long start = System.nanoTime();
        long maxLate = 0;
        for (Arrival a : arrivals) {
            long due = start + (long) ((a.nanos() - first) / speed);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            maxLate = Math.max(maxLate, System.nanoTime() - due);
            load.notify("warmup/modelUsed", "{\"model\":\"" + a.model() + "\",\"task\":\"" + a.task() + "\"}");
        }
        double wall = (System.nanoTime() - start) / 1e9;
        sampler.shutdown();
        sampler.awaitTermination(10, TimeUnit.SECONDS);

        JsonObject metrics = load.storedAll(arrivals.size());
        Duration cpu = ProcessStats.cpu(p).minus(cpuBefore);
        long peakKb = ProcStatus.peakResidentKb(p.pid()).orElseThrow(
                () -> new IllegalStateException("no VmHWM in /proc/" + p.pid() + "/status: not Linux?"));
        load.request("shutdown", "null").get(60, TimeUnit.SECONDS);
        load.notify("exit", "null");
        p.waitFor(60, TimeUnit.SECONDS);

        double traceSeconds = (arrivals.get(arrivals.size() - 1).nanos() - first) / 1e9;
        System.out.printf("%d reports (the trace's %.0f s at %.0fx: %.1f s wall, %.0f reports/s; the sender at most"
                        + " %.1f ms behind schedule)%n", arrivals.size(), traceSeconds, speed, wall,
                arrivals.size() / wall, maxLate / 1e6);
        System.out.printf("server CPU during the load: %.2f s (%.1f %% of one core; idle before it, %.2f s over %d s:"
                        + " %.1f %%), peak resident %d MiB%n", cpu.toNanos() / 1e9, 100 * cpu.toNanos() / 1e9 / wall,
                cpuIdle.toNanos() / 1e9, IDLE_MILLIS / 1000, 100 * cpuIdle.toNanos() / 1e6 / IDLE_MILLIS,
                peakKb / 1024);
        synchronized (status) {
            System.out.printf("warmup/status round trip under load (%d samples): p50 %.2f ms, p99 %.2f ms, max %.2f"
                            + " ms%n", status.getTotalCount(), status.getValueAtPercentile(50) / 1e6,
                    status.getValueAtPercentile(99) / 1e6, status.getMaxValue() / 1e6);
        }
        System.out.printf("recorded %s, dropped %s, stored %s (data directory after exit %.1f MB); the server"
                        + " sent %s%n", metrics.getAsJsonObject("eventsRecorded").get("total"),
                metrics.get("eventsDropped"), metrics.get("eventsStored"), DataDirs.sizeAndDelete(data) / 1e6,
                new java.util.TreeMap<>(load.notifications));
    }

    private static void read(Path csv, String model, String task, List<Arrival> into) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            r.readLine(); // TIMESTAMP,ContextTokens,GeneratedTokens
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                LocalDateTime t = LocalDateTime.parse(line.substring(0, line.indexOf(',')), STAMP);
                long nanos = t.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + t.getNano();
                into.add(new Arrival(nanos, model, task));
            }
        }
    }

    /** Polls the metrics until every report is stored (the pipeline writes at least once a second), for 30 s. */
    private JsonObject storedAll(int reports) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonObject m = request("warmup/metrics", "{}").get(60, TimeUnit.SECONDS);
            if (m.get("eventsStored").getAsLong() >= reports || System.nanoTime() > deadline) {
                return m;
            }
            Thread.sleep(200);
        }
    }

    private CompletableFuture<JsonObject> request(String method, String params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        pending.put(id, f);
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
        return f;
    }

    private void notify(String method, String params) {
        send("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + "}");
    }

    private synchronized void send(String body) {
        try {
            LspFrames.write(toServer, body);
        } catch (IOException e) {
            throw new IllegalStateException("the server stopped reading its input", e);
        }
    }

    /** Completes responses, answers the server's requests with null, and plays the model server for its loads. */
    private void readAll() {
        InputStream in = server.getInputStream();
        try {
            for (String body = LspFrames.read(in); body != null; body = LspFrames.read(in)) {
                JsonObject m = JsonParser.parseString(body).getAsJsonObject();
                JsonElement method = m.get("method");
                if (method == null) {
                    CompletableFuture<JsonObject> f = pending.remove(m.get("id").getAsInt());
                    if (f != null && m.has("error")) {
                        f.completeExceptionally(new IllegalStateException(m.get("error").toString()));
                    } else if (f != null) {
                        JsonElement r = m.get("result");
                        f.complete(r != null && r.isJsonObject() ? r.getAsJsonObject() : new JsonObject());
                    }
                } else if (m.has("id")) {
                    String reply = "{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"result\":null}";
                    replies.execute(() -> send(reply));
                } else {
                    String name = method.getAsString();
                    notifications.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                    String model = m.has("params") && m.get("params").isJsonObject()
                            && m.getAsJsonObject("params").has("model")
                            ? m.getAsJsonObject("params").get("model").toString() : null;
                    if (name.equals("warmup/load") && model != null) {
                        replies.execute(() -> notify("warmup/modelState",
                                "{\"model\":" + model + ",\"state\":\"ready\"}"));
                    } else if (name.equals("warmup/unload") && model != null) {
                        replies.execute(() -> notify("warmup/modelState",
                                "{\"model\":" + model + ",\"state\":\"unloaded\"}"));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            pending.values().forEach(f -> f.completeExceptionally(e));
        }
    }
}
