package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server, its model server's process in a cgroup with a memory limit of 1 GB on the real kernel (a child of
 * this test's own v1 memory group, made by the test; skipped where the machine does not let it make one): the status
 * says the budget is lowered to what that limit leaves, naming the group and the process, though the machine has
 * gigabytes free.
 */
class ModelServerCgroupIT {
    @TempDir Path dir;
    private static final long LIMIT = 1024L * 1024 * 1024;

    /** A child of this process's v1 memory group, limited to 1 GB; empty where none can be made. */
    private static Optional<Path> limitedGroup() {
        try {
            String own = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                    .map(l -> l.split(":", 3)).filter(f -> f.length == 3 && List.of(f[1].split(",")).contains("memory"))
                    .map(f -> f[2]).findFirst().orElse(null);
            Path parent = own == null ? null : Path.of("/sys/fs/cgroup/memory" + own);
            if (parent == null || !Files.isWritable(parent)) {
                return Optional.empty();
            }
            Path child = parent.resolve("warmup-it-" + ProcessHandle.current().pid());
            Files.createDirectories(child);
            Files.writeString(child.resolve("memory.limit_in_bytes"), Long.toString(LIMIT));
            return Optional.of(child);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Test
    void theStatusSaysTheBudgetKeepsWithinTheModelServersCgroupLimit() throws Exception {
        Optional<Path> group = limitedGroup();
        Assumptions.assumeTrue(group.isPresent(), "no cgroup v1 memory hierarchy this test may add a group to");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        Path source = Path.of(ModelServerCgroupIT.class.getResource("/cgroup/ListenOn.java").toURI());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process modelServer = new ProcessBuilder("sh", "-c", "echo $$ > \"$1\" && exec \"$2\" \"$3\" \"$4\"", "sh",
                group.get().resolve("cgroup.procs").toString(), java.toString(), source.toString(),
                Integer.toString(port)).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(modelServer.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = out.readLine();
            Assumptions.assumeTrue("listening".equals(first), "the stand-in did not start: " + first);
            JsonObject settings = JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                    + " \"http://127.0.0.1:" + port + "\"}}, \"models\": [{\"id\": \"coder\", \"tasks\":"
                    + " [\"completion\"], \"memoryMb\": 1500, \"backend\": \"local\"}]}").getAsJsonObject();
            try (RawLspProcess server = new RawLspProcess(dir.resolve("data"))) {
                server.initialize(settings);
                String expected = "of the cgroup of backend local's model server (port " + port + ", pid "
                        + modelServer.pid() + ", " + group.get() + ")";
                String seen = "";
                for (int i = 0; i < 300 && !seen.contains(expected); i++) { // the server samples every 5 s
                    seen = String.valueOf(server.request("warmup/status", null).getAsJsonObject("result")
                            .get("heldBack"));
                    Thread.sleep(100);
                }
                assertTrue(seen.contains("WMP-4005 Memory budget lowered") && seen.contains("in the 1024 MB limit "
                        + expected), seen);
            }
        } finally {
            modelServer.destroyForcibly().waitFor();
            for (int i = 0; i < 100 && Files.exists(group.get()); i++) {
                try {
                    Files.delete(group.get()); // once the kernel has let go of the process
                } catch (IOException busy) {
                    Thread.sleep(100);
                }
            }
        }
    }
}
