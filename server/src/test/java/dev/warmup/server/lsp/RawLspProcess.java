package dev.warmup.server.lsp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real server as a child process (this test run's classpath, {@code dev.warmup.server.Main}) driven over its
 * stdio with raw JSON-RPC frames, so tests can send what no well-behaved client would.
 */
public final class RawLspProcess implements AutoCloseable {
    public final Process process;
    private final OutputStream in;
    private final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    private int nextId = 1;

    public RawLspProcess(Path dataDir, String... moreArgs) throws IOException {
        this(command(fromClasspath(List.of()), dataDir, moreArgs));
    }

    /** The server started with {@code jvmOptions} before its class (a system property, say). */
    public static RawLspProcess withJvmOptions(Path dataDir, List<String> jvmOptions) throws IOException {
        return new RawLspProcess(command(fromClasspath(jvmOptions), dataDir));
    }

    /**
     * The server started as an editor would without {@code --data-dir}: in {@code workingDir} (the project, for most
     * editors), with {@code jvmOptions} and without the environment variables {@code unset}.
     */
    public static RawLspProcess withoutDataDir(Path workingDir, List<String> jvmOptions, List<String> unset)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(fromClasspath(jvmOptions), null))
                .directory(workingDir.toFile());
        unset.forEach(pb.environment()::remove);
        return new RawLspProcess(pb);
    }

    /** The server with {@code environment} added to its own, logging at info and above to {@code log}. */
    public static RawLspProcess withEnvironment(Path dataDir, Map<String, String> environment, Path log)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(fromClasspath(List.of()), dataDir, "--log-file", log.toString(),
                "--log-level", "info"));
        pb.environment().putAll(environment);
        return new RawLspProcess(pb);
    }

    /** {@code jvmOptions}, then this test run's classpath and the server's main class. */
    private static List<String> fromClasspath(List<String> jvmOptions) {
        List<String> launch = new ArrayList<>(jvmOptions);
        launch.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.warmup.server.Main"));
        return launch;
    }

    private RawLspProcess(List<String> command) throws IOException {
        this(new ProcessBuilder(command));
    }

    private RawLspProcess(ProcessBuilder pb) throws IOException {
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        process = pb.start();
        in = process.getOutputStream();
        Thread reader = new Thread(() -> read(process.getInputStream()), "raw-lsp-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The packaged server ({@code jar}, as editors start it) with the editors' heap, logging at {@code level} and
     * above to {@code log}.
     */
    public static RawLspProcess packaged(Path jar, Path dataDir, Path log, String level) throws IOException {
        return new RawLspProcess(command(List.of("-Xms32m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-jar",
                jar.toString()), dataDir, "--log-file", log.toString(), "--log-level", level));
    }

    private static List<String> command(List<String> launch, Path dataDir, String... moreArgs) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        command.addAll(launch);
        if (dataDir != null) { // null: the server's default
            command.addAll(List.of("--data-dir", dataDir.toString()));
        }
        if (!List.of(moreArgs).contains("--log-level")) {
            command.addAll(List.of("--log-level", "warn"));
        }
        command.addAll(List.of(moreArgs));
        return command;
    }

    /** The server logging at info and above to {@code log}, besides stderr. */
    public static RawLspProcess loggingTo(Path dataDir, Path log) throws IOException {
        return new RawLspProcess(dataDir, "--log-file", log.toString(), "--log-level", "info");
    }

    /** Whether the log file a server was given holds {@code text} yet (false while it has not been made). */
    public static boolean logged(Path log, String text) throws IOException {
        return Files.exists(log) && Files.readString(log).contains(text);
    }

    private void read(InputStream out) {
        try {
            while (true) {
                int length = -1;
                StringBuilder line = new StringBuilder();
                while (true) {
                    int c = out.read();
                    if (c < 0) {
                        return;
                    }
                    if (c == '\n') {
                        String l = line.toString().trim();
                        line.setLength(0);
                        if (l.isEmpty()) {
                            break;
                        }
                        if (l.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(l.substring(15).trim());
                        }
                    } else {
                        line.append((char) c);
                    }
                }
                byte[] body = out.readNBytes(length);
                received.add(JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject());
            }
        } catch (IOException e) {
            // process ended
        }
    }

    /** Sends raw bytes as one frame body (may be invalid JSON). */
    public void sendRaw(String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(("Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        frame.write(b);
        sendBytes(frame.toByteArray());
    }

    /** Sends bytes as they are, headers and all: a frame of one's own making, or none. */
    public synchronized void sendBytes(byte[] bytes) throws IOException {
        in.write(bytes);
        in.flush();
    }

    public void notify(String method, JsonElement params) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("jsonrpc", "2.0");
        o.addProperty("method", method);
        if (params != null) {
            o.add("params", params);
        }
        sendRaw(o.toString());
    }

    /** Sends a request and waits for its response. */
    public JsonObject request(String method, JsonElement params) throws Exception {
        int id = nextId++;
        JsonObject o = new JsonObject();
        o.addProperty("jsonrpc", "2.0");
        o.addProperty("id", id);
        o.addProperty("method", method);
        if (params != null) {
            o.add("params", params);
        }
        sendRaw(o.toString());
        return await(m -> !m.has("method") && m.has("id") && m.get("id").isJsonPrimitive() // a response, not a request
                && m.get("id").getAsInt() == id);
    }

    /** Waits for a message matching {@code p}; other messages are kept. */
    public JsonObject await(Predicate<JsonObject> p) throws InterruptedException {
        List<JsonObject> skipped = new ArrayList<>();
        try {
            while (true) {
                JsonObject m = received.poll(60, TimeUnit.SECONDS);
                if (m == null) {
                    throw new AssertionError("no matching message within 60 s; saw " + skipped);
                }
                if (p.test(m)) {
                    return m;
                }
                skipped.add(m);
            }
        } finally {
            received.addAll(skipped);
        }
    }

    /** The messages received and not yet awaited, taken out. */
    public List<JsonObject> drain() {
        List<JsonObject> out = new ArrayList<>();
        received.drainTo(out);
        return out;
    }

    /** The result of {@code workspace/executeCommand} for {@code command} without arguments. */
    public JsonObject command(String command) throws Exception {
        JsonObject params = new JsonObject();
        params.addProperty("command", command);
        params.add("arguments", new com.google.gson.JsonArray());
        return request("workspace/executeCommand", params).getAsJsonObject("result");
    }

    public JsonObject initialize() throws Exception {
        return initialize(null);
    }

    /** Initializes with {@code settings} as the {@code warmup} section (null: none). */
    public JsonObject initialize(JsonObject settings) throws Exception {
        JsonObject p = JsonParser.parseString("{\"processId\": null, \"capabilities\": {}}").getAsJsonObject();
        if (settings != null) {
            JsonObject section = new JsonObject();
            section.add("warmup", settings);
            JsonObject options = new JsonObject();
            options.add("settings", section);
            p.add("initializationOptions", options);
        }
        JsonObject r = request("initialize", p);
        notify("initialized", new JsonObject());
        return r;
    }

    /**
     * Ends the server as an editor does, with {@code exit} (so that it runs its shutdown, and a coverage agent writes
     * what it recorded), killing it if it has not ended within 10 s. The exit is written on a thread of its own: a
     * server that stopped reading could block the write until the kill.
     */
    @Override
    public void close() {
        Thread exit = new Thread(() -> {
            try {
                notify("exit", null);
            } catch (IOException e) {
                // its input is closed: it is ending, or gone
            }
        }, "raw-lsp-exit");
        exit.setDaemon(true);
        exit.start();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
