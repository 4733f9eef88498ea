package dev.warmup.server.backend.real;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real llama.cpp {@code llama-server} on 127.0.0.1, serving {@link TinyLlamaModel}s: the program
 * {@code scripts/llama-server.sh} prepares, named by the environment ({@code WARMUP_LLAMA_SERVER}, and its CPU back end
 * {@code WARMUP_GGML_BACKEND}), as {@code scripts/test.sh} sets it. Without it a test is skipped, but not under
 * {@code CI=true}, where the script must have run.
 */
public final class RealLlamaServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final Process process;
    private final String url;
    private final Path log;

    private RealLlamaServer(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /** The program, or the test skipped (outside CI) when it was not prepared. */
    public static Path program() {
        String bin = System.getenv("WARMUP_LLAMA_SERVER");
        if (bin == null || !Files.isExecutable(Path.of(bin))) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true but WARMUP_LLAMA_SERVER names no program: scripts/test.sh runs"
                        + " scripts/llama-server.sh to prepare it");
            }
            Assumptions.abort("no llama-server prepared (run scripts/llama-server.sh and set WARMUP_LLAMA_SERVER and"
                    + " WARMUP_GGML_BACKEND to the two paths it prints)");
        }
        return Path.of(bin);
    }

    /**
     * A router ({@code --models-dir}) over {@code models}, one tiny model file each, in {@code dir}, with
     * {@code args} added; started, and answering {@code GET /health}.
     */
    public static RealLlamaServer router(Path dir, List<String> models, String... args) throws Exception {
        return routerOn(0, dir, models, args);
    }

    /** {@link #router}, listening on {@code port} (0: a free one): one started again where a stopped one was. */
    public static RealLlamaServer routerOn(int port, Path dir, List<String> models, String... args) throws Exception {
        Path modelsDir = Files.createDirectories(dir.resolve("models"));
        for (String m : models) {
            TinyLlamaModel.write(modelsDir.resolve(m + ".gguf"));
        }
        List<String> command = new ArrayList<>(List.of("--models-dir", modelsDir.toString()));
        command.addAll(List.of(args));
        return start(port, dir, "health", command);
    }

    /**
     * A server of one model ({@code -m}) named {@code alias}, in {@code dir}, with {@code args} added; started, and
     * answering its health.
     */
    public static RealLlamaServer single(Path dir, String alias, String... args) throws Exception {
        Path model = dir.resolve(alias + ".gguf");
        TinyLlamaModel.write(model);
        List<String> command = new ArrayList<>(List.of("-m", model.toString(), "--alias", alias));
        command.addAll(List.of(args));
        return start(0, dir, "health", command);
    }

    private static RealLlamaServer start(int chosenPort, Path dir, String readyPath, List<String> args)
            throws Exception {
        int port = chosenPort;
        if (port == 0) {
            try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
        }
        List<String> command = new ArrayList<>(List.of(program().toString(), "--host", "127.0.0.1", "--port",
                String.valueOf(port)));
        command.addAll(args);
        Path log = dir.resolve("llama-server.log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        String backend = System.getenv("WARMUP_GGML_BACKEND");
        if (backend != null) {
            pb.environment().put("GGML_BACKEND_PATH", backend); // its models' processes inherit it
        }
        RealLlamaServer server = new RealLlamaServer(pb.start(), "http://127.0.0.1:" + port, log);
        server.awaitAnswer(readyPath);
        return server;
    }

    /** Waits (30 s at most) until {@code path} answers 200: the server is listening (and, for one model, loaded). */
    private void awaitAnswer(String path) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("llama-server exited: " + log());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "/" + path))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("llama-server did not answer /" + path + " within 30 s: " + log());
            }
            Thread.sleep(100); // a process starting: nothing to wait on but its port
        }
    }

    public String url() {
        return url;
    }

    public int port() {
        return URI.create(url).getPort();
    }

    /**
     * Each model's {@code status.value} in the router's {@code GET /models} ({@code loaded}, {@code loading},
     * {@code unloaded}, {@code sleeping}); {@code apiKey}: the key of a router started with {@code --api-key}, which
     * wants it for its list too, or null.
     */
    public java.util.Map<String, String> states(String apiKey) throws IOException, InterruptedException {
        HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(url + "/models")).timeout(Duration.ofSeconds(10));
        if (apiKey != null) {
            get.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> r = HTTP.send(get.build(), HttpResponse.BodyHandlers.ofString());
        java.util.Map<String, String> states = new java.util.HashMap<>();
        for (com.google.gson.JsonElement m : com.google.gson.JsonParser.parseString(r.body()).getAsJsonObject()
                .getAsJsonArray("data")) {
            com.google.gson.JsonObject o = m.getAsJsonObject();
            states.put(o.get("id").getAsString(), o.getAsJsonObject("status").get("value").getAsString());
        }
        return states;
    }

    /** What it logged so far, for a failure's message. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // the router stops the models' processes it started
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
