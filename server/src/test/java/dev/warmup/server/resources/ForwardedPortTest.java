package dev.warmup.server.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.warmup.server.LogCapture;
import dev.warmup.server.config.ConfigurationManager;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend's port served by a port forwarder (Docker's docker-proxy publishing a container's port, ssh -L, kubectl
 * port-forward): the process listening is not the model server, so its group's limits are not taken for the model
 * server's, and the log says why none are read.
 */
class ForwardedPortTest {
    private static final SystemProbe.Snapshot MACHINE = new SystemProbe.Snapshot(16_000, 9_000, 0.05);
    @TempDir Path dir;

    @Test
    void aPortForwardersGroupIsNotTakenForTheModelServersAndTheLogSaysSo() {
        // the listener, pid 812, sits in a group limited to 1 GB (Docker's daemon's, say) with a quota of half a CPU
        ProcTree tree = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw")
                .socket("tcp", "0100007F", 11434, "0A", 900).holds(812, 7, 900).process(812, "0::/")
                .v2("sys/fs/cgroup", 1024L, 900, 0).cpuV2("sys/fs/cgroup", "50000 100000", 0);
        ConfigurationManager config = new ConfigurationManager();
        config.apply(JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:11434\"}}}"));
        assertEquals(1, ModelServerProbe.over(() -> MACHINE, config::current, tree.root).sample().memoryLimits().size(),
                "an unnamed listener is taken for the model server");

        tree.program(812, "docker-proxy");
        ModelServerProbe probe = ModelServerProbe.over(() -> MACHINE, config::current, tree.root);
        try (LogCapture logged = new LogCapture(ModelServerLimits.class)) {
            SystemProbe.Snapshot s = probe.sample();
            assertEquals(List.of(), s.memoryLimits());
            assertEquals(List.of(), s.cpuLimits());
            probe.sample();
            List<String> said = logged.messages.stream().filter(m -> m.contains("forwards the port")).toList();
            assertEquals(1, said.size(), "said once: " + logged.messages);
            assertTrue(said.get(0).startsWith("memory and cpu: backend local's port 11434, docker-proxy (pid 812)"
                    + " forwards the port to a model server elsewhere"), said.get(0));
        }
    }
}
