package dev.warmup.server.scheduler;

import static dev.warmup.server.scheduler.WarmingFixture.coder;
import static dev.warmup.server.scheduler.WarmingFixture.start;
import static dev.warmup.server.scheduler.WarmingFixture.warm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.warmup.server.backend.fake.FakeOllamaServer;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.lsp.ServerHarness;
import dev.warmup.server.resources.ModelServerProbe;
import dev.warmup.server.resources.ProcTree;
import dev.warmup.server.resources.ResourceManager;
import dev.warmup.server.resources.SystemProbe;
import dev.warmup.server.store.UsageStore;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model server in a container (a cgroup) with a memory limit or a CPU quota: the budget keeps within what the limit
 * leaves, though the machine has memory to spare, and warm-ups wait while the quota is spent, though the machine is
 * idle. The server reads a hand-made /proc and /sys/fs/cgroup in which the fake
 * Ollama's port is held by a process in a limited group.
 */
class ModelServerLimitTest {
    @TempDir Path dir;
    @TempDir Path fs;
    /** The machine: 16 GB, 9 GB of it available. */
    private static final SystemProbe MACHINE = () -> new SystemProbe.Snapshot(16_000, 9_000, 0.05);

    private static AbstractModule limitedBy(ProcTree tree) {
        return new AbstractModule() {
            @Provides
            @Singleton
            SystemProbe probe(ConfigurationManager config) {
                return ModelServerProbe.over(MACHINE, config::current, tree.root);
            }
        };
    }

    /** A v2 container, its group mounted at /sys/fs/cgroup, whose process 4242 listens on loopback's {@code port}. */
    private ProcTree containerHolding(int port) {
        return new ProcTree(fs).mount("/", "/sys/fs/cgroup", "cgroup2", "rw")
                .socket("tcp", "0100007F", port, "0A", 900).holds(4242, 7, 900).process(4242, "0::/");
    }

    /**
     * {@link #containerHolding}, limited to 4 GB, of which 2.8 GB in use (3 GB less 200 MB of inactive cache): 1,296 MB
     * left, less a 205 MB reserve.
     */
    private ProcTree tightContainerHolding(int port) {
        return containerHolding(port).v2("sys/fs/cgroup", 4096L, 3000, 200);
    }

    @Test
    void theBudgetKeepsWithinTheModelServersCgroupLimitUntilItIsRaised() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer()) {
            int port = URI.create(ollama.url()).getPort();
            ProcTree tree = tightContainerHolding(port);
            try (ServerHarness h = new ServerHarness(dir, limitedBy(tree))) {
                WarmupScheduler scheduler = start(h, ollama);
                ResourceManager resources = h.injector.getInstance(ResourceManager.class);
                resources.refresh();
                scheduler.tick().get(30, TimeUnit.SECONDS);
                List<String> held = h.status().heldBack();
                assertEquals(1, held.size(), String.valueOf(held));
                assertTrue(held.get(0).startsWith("WMP-4005 Memory budget lowered: ") && held.get(0).contains(
                        "the models of backend local may hold about 1000 MB now (what they hold, 0 MB, and what is"
                        + " available above a reserve of 205 MB in the 4096 MB limit of the cgroup of backend local's"
                        + " model server (port " + port + ", pid 4242, " + fs.resolve("sys/fs/cgroup") + "))"),
                        held.get(0));
                assertEquals("unloaded", coder(h).state(), "coder's 1,500 MB do not fit in what the limit leaves");
                JsonObject machine = h.commandJson("warmup.metrics").getAsJsonObject("machine");
                assertEquals(16_000, machine.get("memoryTotalMb").getAsLong());
                assertEquals(9_000, machine.get("memoryAvailableMb").getAsLong());
                JsonObject limit = machine.getAsJsonArray("memoryLimits").get(0).getAsJsonObject();
                assertEquals(1296, limit.get("availableMb").getAsLong());
                assertEquals("[\"local\"]", limit.get("backends").toString());
                assertEquals("the 4096 MB limit of the cgroup of backend local's model server (port " + port
                        + ", pid 4242, " + fs.resolve("sys/fs/cgroup") + ")", limit.get("where").getAsString());
                assertTrue(ollama.requests.stream().noneMatch(r -> r.contains("/api/generate")), ollama.requests.toString());

                tree.v2("sys/fs/cgroup", 16_384L, 3000, 200); // the container given 16 GB
                resources.refresh();
                scheduler.tick().get(30, TimeUnit.SECONDS);
                h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
                assertNull(h.status().heldBack());

                tree.v2("sys/fs/cgroup", 16_384L, 16_300, 0); // the container's other programs take all but 84 MB
                resources.refresh();
                scheduler.tick().get(30, TimeUnit.SECONDS);
                ollama.unloaded("coder").get(30, TimeUnit.SECONDS);
                h.client.await(h.client.statuses, l -> !l.isEmpty() && !warm(List.of(l.get(l.size() - 1)), "coder"),
                        Duration.ofSeconds(30));
                assertEquals("the 16384 MB limit of the cgroup of backend local's model server (port " + port
                        + ", pid 4242, " + fs.resolve("sys/fs/cgroup") + ") is nearly out of memory (WMP-4001)",
                        coder(h).unloadReason());
            }
        }
    }

    @Test
    void theFirstPlanWaitsForTheNewBackendsModelServersToBeLookedFor() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer()) {
            int port = URI.create(ollama.url()).getPort();
            ProcTree tree = tightContainerHolding(port);
            try (ServerHarness h = new ServerHarness(dir, limitedBy(tree))) {
                ResourceManager resources = h.injector.getInstance(ResourceManager.class);
                resources.start(3600); // in the background, as the server does (every 5 s), and not again here
                resources.sampleNow().get(30, TimeUnit.SECONDS); // read before the settings name any backend
                WarmupScheduler scheduler = start(h, ollama); // they name one whose model server is in the container
                scheduler.tick().get(30, TimeUnit.SECONDS);
                assertEquals("unloaded", coder(h).state(), "planned within the limit, not before it was read");
                List<String> held = h.status().heldBack();
                assertTrue(held.size() == 1 && held.get(0).contains("the models of backend local may hold about 1000"
                        + " MB now"), String.valueOf(held));
            }
        }
    }

    /**
     * The model server is not running when the server starts (the sample finds nothing on its port), then starts in
     * the container: the tick that hears it answer has it looked for afresh before planning, rather than send it a
     * load the container's limit forbids on the strength of the sample before it ran (taken up to 5 s later).
     */
    @Test
    void aModelServerThatStartsIsLookedForBeforeALoadIsSentToIt() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        ProcTree tree = new ProcTree(fs).mount("/", "/sys/fs/cgroup", "cgroup2", "rw")
                .v2("sys/fs/cgroup", 4096L, 3000, 200); // the container, nothing listening in it yet
        try (ServerHarness h = new ServerHarness(dir, limitedBy(tree))) {
            ResourceManager resources = h.injector.getInstance(ResourceManager.class);
            resources.start(3600); // in the background, as the server does (every 5 s), and not again here
            h.injector.getInstance(UsageStore.class).append(WarmingFixture.recentCompletionUse(h.clock.millis()));
            h.initialize(WarmingFixture.settings("http://127.0.0.1:" + port));
            h.startPrediction();
            WarmupScheduler scheduler = h.injector.getInstance(WarmupScheduler.class);
            scheduler.tick().get(30, TimeUnit.SECONDS); // the model server refuses: not running
            h.client.await(h.client.statuses, l -> l.stream().anyMatch(st -> st.models().stream()
                    .anyMatch(m -> m.id().equals("coder") && m.state().equals("failed"))), Duration.ofSeconds(30));
            assertEquals(List.of(), resources.snapshot().memoryLimits(), "nothing listens: no limit found");

            try (FakeOllamaServer ollama = new FakeOllamaServer(port)) {
                tree.socket("tcp", "0100007F", port, "0A", 900).holds(4242, 7, 900).process(4242, "0::/");
                h.clock.advance(Duration.ofSeconds(31)); // past the refusals' circuit breaker
                scheduler.tick().get(30, TimeUnit.SECONDS); // it answers
                List<String> held = h.status().heldBack();
                assertTrue(held != null && held.size() == 1 && held.get(0).contains("the models of backend local may"
                        + " hold about 1000 MB now"), String.valueOf(held));
                assertTrue(ollama.requests.stream().noneMatch(r -> r.contains("/api/generate")),
                        "coder's 1,500 MB were not sent into the container's 1,000: " + ollama.requests);
            }
        }
    }

    @Test
    void aModelServersLimitBoundsItsOwnModelsNotThoseOfAnotherModelServer() throws Exception {
        try (FakeOllamaServer host = new FakeOllamaServer(); FakeOllamaServer box = new FakeOllamaServer()) {
            int port = URI.create(box.url()).getPort();
            // box's model server in a 4 GB container with 1,296 MB left; host's on the machine, 9 GB available
            ProcTree tree = tightContainerHolding(port);
            try (ServerHarness h = new ServerHarness(dir, limitedBy(tree))) {
                WarmupScheduler scheduler = WarmingFixture.startWithBothWanted(h, onHostAndBox(host, box));
                ResourceManager resources = h.injector.getInstance(ResourceManager.class);
                resources.refresh();
                scheduler.tick().get(30, TimeUnit.SECONDS);
                h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
                scheduler.tick().get(30, TimeUnit.SECONDS);
                assertEquals("unloaded", WarmingFixture.state(h, "big"), "big's 1,900 MB do not fit in box's limit");
                assertTrue(box.requests.stream().noneMatch(r -> r.contains("/api/generate")), box.requests.toString());
                List<String> held = h.status().heldBack();
                assertTrue(held.size() == 1 && held.get(0).contains("the models of backend box may hold about 1000 MB"),
                        String.valueOf(held));

                tree.v2("sys/fs/cgroup", 16_384L, 3000, 200); // the container given 16 GB
                resources.refresh();
                scheduler.tick().get(30, TimeUnit.SECONDS);
                h.client.await(h.client.statuses, l -> warm(l, "big"), Duration.ofSeconds(30));

                tree.v2("sys/fs/cgroup", 16_384L, 16_300, 0); // the container's other programs take all but 84 MB
                resources.refresh();
                scheduler.tick().get(30, TimeUnit.SECONDS);
                box.unloaded("big").get(30, TimeUnit.SECONDS);
                h.client.await(h.client.statuses, l -> !l.isEmpty() && !warm(List.of(l.get(l.size() - 1)), "big"),
                        Duration.ofSeconds(30));
                scheduler.tick().get(30, TimeUnit.SECONDS); // a tick more: nothing else goes
                assertEquals("warm", WarmingFixture.state(h, "coder"), "only the container's model goes");
                assertFalse(host.asked("unload", "coder", 1).isDone(), host.requests.toString());
                assertEquals(List.of("WMP-4001 System memory nearly exhausted: models unloaded: about 0 MB available"
                        + " in the 16384 MB limit of the cgroup of backend box's model server (port " + port
                        + ", pid 4242, " + fs.resolve("sys/fs/cgroup") + "), below a reserve of 819 MB: no warm-up"
                        + " of the models of backend box starts until more is free"), h.status().heldBack());
            }
        }
    }

    @Test
    void theCpuReadsBusyWhileTheModelServersCpuQuotaIsSpentThoughTheMachineIsIdle() throws Exception {
        try (FakeOllamaServer ollama = new FakeOllamaServer()) {
            int port = URI.create(ollama.url()).getPort();
            ProcTree tree = containerHolding(port).cpuV2("sys/fs/cgroup", "150000 100000", 0);
            try (ServerHarness h = new ServerHarness(dir, limitedBy(tree))) {
                start(h, ollama);
                ResourceManager resources = h.injector.getInstance(ResourceManager.class);
                WarmupSettings settings = h.injector.getInstance(ConfigurationManager.class).current();
                resources.refresh(); // the first look at the quota: nothing to compare with yet
                assertEquals(Set.of(), resources.busyBackends(settings));
                tree.cpuV2("sys/fs/cgroup", "150000 100000", 3_600_000_000L); // an hour of CPU since: all of it used
                resources.refresh();
                assertEquals(Set.of("local"), resources.busyBackends(settings));
                assertFalse(resources.cpuBusy(settings), "the machine reads 5 % busy");
                assertEquals(List.of("WMP-4004 Warm-ups wait: the CPU is busier than maxCpuPercent: queued warm-ups"
                        + " of the models of backend local start once the 1.5 CPUs' quota of the cgroup of backend"
                        + " local's model server (port " + port + ", pid 4242, " + fs.resolve("sys/fs/cgroup")
                        + ") is 30.0 % busy or less"), resources.heldBack(settings,
                        new ResourceManager.Ours(0, backends -> 0, true, backends -> true)));
                resources.refresh(); // no CPU used since
                assertEquals(Set.of(), resources.busyBackends(settings));
            }
        }
    }

    @Test
    void aModelServersSpentCpuQuotaHoldsBackItsOwnModelsWarmUpsNotAnotherModelServers() throws Exception {
        try (FakeOllamaServer host = new FakeOllamaServer(); FakeOllamaServer box = new FakeOllamaServer()) {
            int port = URI.create(box.url()).getPort();
            ProcTree tree = containerHolding(port).cpuV2("sys/fs/cgroup", "150000 100000", 0);
            try (ServerHarness h = new ServerHarness(dir, limitedBy(tree))) {
                WarmupScheduler scheduler = WarmingFixture.startWithBothWanted(h, onHostAndBox(host, box));
                ResourceManager resources = h.injector.getInstance(ResourceManager.class);
                resources.refresh(); // the first look at the quota
                tree.cpuV2("sys/fs/cgroup", "150000 100000", 3_600_000_000L); // all of it used since
                resources.refresh();
                scheduler.tick().get(30, TimeUnit.SECONDS);
                h.client.await(h.client.statuses, l -> warm(l, "coder"), Duration.ofSeconds(30));
                scheduler.tick().get(30, TimeUnit.SECONDS);
                assertEquals("unloaded", WarmingFixture.state(h, "big"), "box's quota is spent");
                assertFalse(box.asked("load", "big", 1).isDone(), box.requests.toString());
                List<String> held = h.status().heldBack();
                assertTrue(held.size() == 1 && held.get(0).startsWith("WMP-4004") && held.get(0).contains(
                        "queued warm-ups of the models of backend box start once the 1.5 CPUs' quota"),
                        String.valueOf(held));

                resources.refresh(); // no CPU used since: the quota is free
                scheduler.tick().get(30, TimeUnit.SECONDS);
                h.client.await(h.client.statuses, l -> warm(l, "big"), Duration.ofSeconds(30));
            }
        }
    }

    /** Both models wanted, coder (1,500 MB) on {@code host} and big (1,900 MB) on {@code box}. */
    private static String onHostAndBox(FakeOllamaServer host, FakeOllamaServer box) {
        JsonObject settings = JsonParser.parseString(WarmingFixture.bothWantedSettings(host, new JsonObject()))
                .getAsJsonObject();
        JsonObject boxSpec = new JsonObject();
        boxSpec.addProperty("type", "ollama");
        boxSpec.addProperty("url", box.url());
        settings.getAsJsonObject("backends").add("box", boxSpec);
        settings.getAsJsonArray("models").get(1).getAsJsonObject().addProperty("backend", "box");
        return settings.toString();
    }

    @Test
    void theServerReadsTheModelServersLimitsBesideTheMachine() throws Exception {
        try (ServerHarness h = new ServerHarness(dir)) {
            assertInstanceOf(ModelServerProbe.class, h.injector.getInstance(SystemProbe.class));
        }
    }
}
