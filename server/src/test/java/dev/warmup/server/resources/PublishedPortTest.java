package dev.warmup.server.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.warmup.server.LogCapture;
import dev.warmup.server.config.ConfigurationManager;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model server in a Docker container whose port is published ({@code docker run -p 11434:11434 ollama/ollama}):
 * docker-proxy listens on the machine's port, and the model server is found in the container's network, the one
 * whose address docker-proxy's command line names; its container's limit bounds the backend's models. Hand-made
 * /proc: the server runs as a user who cannot read root's descriptors nor network links, as a developer's does.
 */
class PublishedPortTest {
    private static final SystemProbe.Snapshot MACHINE = new SystemProbe.Snapshot(16_000, 9_000, 0.05);
    private static final String CONTAINER = "sys/fs/cgroup/system.slice/docker-abc.scope";
    @TempDir Path dir;
    private final AtomicLong nanos = new AtomicLong();

    /**
     * The machine (this process's network 1; dockerd, pid 700, in it), docker-proxy (pid 812) publishing
     * 172.17.0.2:11434 on the machine's 11434 from the Docker daemon's group (limited to 1 GB: not the model server's),
     * root's process 701 of the machine's network (its table lists docker-proxy's socket), another container (pid
     * 5000, 172.17.0.3, listening on 11434 too, limited to 512 MB) and the model server's container (pids 4242 and
     * 4243, 172.17.0.2, limited to 4 GB of which 3 GB are used).
     */
    private ProcTree published() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw").network("self", 1)
                .network("700", 1).process(700, "0::/system.slice/docker.service")
                .socket("tcp", "00000000", 11434, "0A", 900, 0).holds(812, 7, 900).program(812, "docker-proxy")
                .commandLine(812, "/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", "0.0.0.0", "-host-port",
                        "11434", "-container-ip", "172.17.0.2", "-container-port", "11434")
                .process(812, "0::/system.slice/docker.service").v2("sys/fs/cgroup/system.slice/docker.service",
                        1024L, 900, 0)
                .socketOf(701, "tcp", "00000000", 11434, 900, 0).address(701, "192.168.1.20")
                .process(701, "0::/system.slice/containerd.service")
                .socketOf(5000, "tcp", "00000000", 11434, 3000, 0).address(5000, "172.17.0.3")
                .process(5000, "0::/system.slice/docker-other.scope")
                .v2("sys/fs/cgroup/system.slice/docker-other.scope", 512L, 100, 0);
        for (long pid : new long[] {4242, 4243}) {
            t.socketOf(pid, "tcp6", "00000000000000000000000000000000", 11434, 2000, 0).address(pid, "172.17.0.2")
                    .process(pid, "0::/system.slice/docker-abc.scope");
        }
        return t.v2(CONTAINER, 4096L, 3072, 0);
    }

    /** The memory limits a first sample of {@code tree} finds for backend local, at loopback's 11434. */
    private static List<SystemProbe.MemoryLimit> limits(ProcTree tree) {
        return ModelServerProbe.over(() -> MACHINE, local()::current, tree.root).sample().memoryLimits();
    }

    private static ConfigurationManager local() {
        ConfigurationManager config = new ConfigurationManager();
        config.apply(JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:11434\"}}}"));
        return config;
    }

    @Test
    void theContainersLimitBoundsTheModelsOfTheBackendItsPublishedPortServes() {
        ProcTree tree = published();
        List<SystemProbe.MemoryLimit> limits = limits(tree);
        assertEquals(1, limits.size(), limits.toString());
        assertEquals(4096, limits.get(0).limitMb());
        assertEquals(1024, limits.get(0).availableMb());
        assertEquals("the 4096 MB limit of the cgroup of backend local's model server (port 11434 forwarded by"
                + " docker-proxy (pid 812) to 172.17.0.2:11434, pid 4242, " + tree.root.resolve(CONTAINER) + ")",
                limits.get(0).where(), "the container's lowest process stands for the holder it may not see");

        tree.holds(4243, 3, 2000); // where the descriptors can be read (root's server): the holder itself
        limits = limits(tree);
        assertTrue(limits.get(0).where().contains("172.17.0.2:11434, pid 4243, "), limits.get(0).where());
    }

    @Test
    void aContainerWhoseProcessesAreInSeveralGroupsIsNotGuessedAndTheLogSaysSo() {
        ProcTree tree = published().process(4243, "0::/system.slice/docker-abc.scope/sidecar");
        ConfigurationManager config = local();
        ModelServerProbe probe = ModelServerProbe.over(() -> MACHINE, config::current, tree.root);
        try (LogCapture logged = new LogCapture(ModelServerLimits.class)) {
            assertEquals(List.of(), probe.sample().memoryLimits());
            assertTrue(logged.messages.stream().anyMatch(m -> m.startsWith("memory and cpu: backend local's port"
                    + " 11434, docker-proxy (pid 812) forwards the port")), logged.messages.toString());
        }
    }

    @Test
    void anAnswerStandsWhileTheProcessFoundRunsAndNoneFoundIsLookedForAgainLater() throws IOException {
        ProcTree tree = published();
        PublishedPort targets = new PublishedPort(tree.root, nanos::get);
        assertEquals(Optional.of(new PublishedPort.Target(4242, "172.17.0.2:11434")), targets.behind(812, "docker-proxy", 11434));
        Files.delete(tree.root.resolve("proc/4242/net/tcp6"));
        Files.delete(tree.root.resolve("proc/4243/net/tcp6")); // a walk now would find none
        assertEquals(4242, targets.behind(812, "docker-proxy", 11434).orElseThrow().pid(), "no walk while 4242 runs");

        deleteProcess(tree, 4242); // the model server restarted in its container, as pid 4243
        tree.socketOf(4243, "tcp", "00000000", 11434, 2100, 0);
        assertEquals(4243, targets.behind(812, "docker-proxy", 11434).orElseThrow().pid());

        deleteProcess(tree, 4243); // the container stopped
        assertEquals(Optional.empty(), targets.behind(812, "docker-proxy", 11434));
        tree.socketOf(4244, "tcp", "00000000", 11434, 2200, 0).address(4244, "172.17.0.2")
                .process(4244, "0::/system.slice/docker-abc.scope");
        assertEquals(Optional.empty(), targets.behind(812, "docker-proxy", 11434), "none found stands a while");
        nanos.addAndGet(PublishedPort.LOOK_AGAIN_NANOS);
        assertEquals(4244, targets.behind(812, "docker-proxy", 11434).orElseThrow().pid());
    }

    @Test
    void aModelServerNotYetListeningInItsContainerIsFoundOnceTheProbeIsToldToLookAgain() throws IOException {
        ProcTree tree = published();
        Files.delete(tree.root.resolve("proc/4242/net/tcp6")); // the container runs; its model server is starting
        Files.delete(tree.root.resolve("proc/4243/net/tcp6"));
        ModelServerProbe probe = ModelServerProbe.over(() -> MACHINE, local()::current, tree.root);
        assertEquals(List.of(), probe.sample().memoryLimits());
        tree.socketOf(4242, "tcp", "00000000", 11434, 2000, 0); // it listens
        assertEquals(List.of(), probe.sample().memoryLimits(), "none found stands 30 s");
        probe.lookAgain(); // the model server answers again: the scheduler says so
        assertEquals(4096, probe.sample().memoryLimits().get(0).limitMb());
    }

    private static final String ROOTLESS_CONTAINER =
            "user.slice/user-1000.slice/user@1000.service/app.slice/docker-abc.scope";

    /**
     * Rootless Docker: RootlessKit (pid 900, the developer's) listens on the machine's 11434 and forwards it to 11434
     * of its own network (namespace 5), where docker-proxy (pid 1500, under dockerd 920, under RootlessKit's child 910)
     * publishes the container's 172.17.0.2:11434; another docker-proxy (pid 1600) there publishes 8080. The
     * container (pids 4242 and 4243, namespace 6) is limited to 4 GB.
     */
    private ProcTree rootlessDocker() {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw").network("self", 1)
                .socket("tcp", "00000000", 11434, "0A", 900, 1000).holds(900, 7, 900).program(900, "rootlesskit")
                .network("900", 1)
                .process(900, "0::/user.slice/user-1000.slice/user@1000.service/app.slice/docker.service")
                .parent(910, 900).network("910", 5).parent(920, 910).network("920", 5);
        for (int[] proxy : new int[][] {{1500, 11434}, {1600, 8080}}) {
            t.program(proxy[0], "docker-proxy").network("" + proxy[0], 5).parent(proxy[0], 920)
                    .commandLine(proxy[0], "/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", "127.0.0.1",
                            "-host-port", "" + proxy[1], "-container-ip", "172.17.0.2", "-container-port",
                            "" + proxy[1])
                    .socketOf(proxy[0], "tcp", "0100007F", proxy[1], 1900 + proxy[0], 1000)
                    .address(proxy[0], "10.0.2.100");
        }
        for (long pid : new long[] {4242, 4243}) {
            t.socketOf(pid, "tcp", "00000000", 11434, 2000, 100000).socketOf(pid, "tcp", "00000000", 8080, 2001, 100000)
                    .address(pid, "172.17.0.2").network("" + pid, 6).process(pid, "0::/" + ROOTLESS_CONTAINER);
        }
        return t.v2("sys/fs/cgroup/" + ROOTLESS_CONTAINER, 4096L, 3072, 0);
    }

    @Test
    void rootlessDockersContainerIsFoundBehindTheDockerProxyInRootlessKitsNetwork() {
        ProcTree tree = rootlessDocker();
        List<SystemProbe.MemoryLimit> limits = limits(tree);
        assertEquals(1, limits.size(), limits.toString());
        assertEquals(4096, limits.get(0).limitMb());
        assertEquals("the 4096 MB limit of the cgroup of backend local's model server (port 11434 forwarded by"
                + " rootlesskit (pid 900) to 172.17.0.2:11434 through docker-proxy (pid 1500), pid 4242, "
                + tree.root.resolve("sys/fs/cgroup/" + ROOTLESS_CONTAINER) + ")", limits.get(0).where());

        tree.program(900, "slirp4netns"); // slirp4netns's port driver: the same docker-proxy behind it
        assertTrue(limits(tree).get(0).where().contains("forwarded by slirp4netns (pid 900) to 172.17.0.2:11434"
                + " through docker-proxy (pid 1500), pid 4242, "), limits(tree).toString());
    }

    @Test
    void ofSeveralDockerProxiesPublishingThePortTheForwardersOwnIsTaken() {
        ProcTree tree = rootlessDocker()
                // another user's rootless Docker publishing 11434 in its own network, and a rootful docker-proxy on
                // this network publishing it at another of the machine's addresses
                .program(2500, "docker-proxy").network("2500", 8).parent(2500, 2400).commandLine(2500, "docker-proxy",
                        "-host-port", "11434", "-container-ip", "172.18.0.9", "-container-port", "11434")
                .program(812, "docker-proxy").network("812", 1).commandLine(812, "docker-proxy", "-host-ip",
                        "192.168.1.20", "-host-port", "11434", "-container-ip", "172.18.0.9", "-container-port",
                        "11434");
        assertTrue(limits(tree).get(0).where().contains("through docker-proxy (pid 1500), pid 4242, "),
                limits(tree).toString());

        tree.parent(1500, 1); // neither descends from RootlessKit: which is its own cannot be told
        assertEquals(List.of(), limits(tree));
    }

    /**
     * Podman 4's rootless forwarder (pid 900), run again as /proc/self/exe and named by its first argument, on the
     * machine's 11434; its child (pid 901) in the container's network (namespace 7), where the container (pids 4242
     * and 4243, limited to 4 GB) listens on 8080; another container (pid 5000, namespace 8) listening on 8080 too.
     */
    private ProcTree podman4() {
        return podman4(dir);
    }

    private ProcTree podman4(Path root) {
        ProcTree t = new ProcTree(root).mount("/", "/sys/fs/cgroup", "cgroup2", "rw").network("self", 1)
                .socket("tcp", "00000000", 11434, "0A", 900, 1000).holds(900, 7, 900).program(900, "exe")
                .commandLine(900, "containers-rootlessport").network("900", 1)
                .process(900, "0::/user.slice/user-1000.slice/user@1000.service/user.slice/podman-pause.scope")
                .program(901, "exe").commandLine(901, "containers-rootlessport-child").parent(901, 900)
                .network("901", 7)
                .socketOf(5000, "tcp", "00000000", 8080, 3000, 1000).network("5000", 8)
                .process(5000, "0::/user.slice/libpod-other.scope");
        for (long pid : new long[] {4242, 4243}) {
            t.socketOf(pid, "tcp", "00000000", 8080, 2000, 1000).network("" + pid, 7).parent(pid, 4000)
                    .process(pid, "0::/" + PODMAN_CONTAINER);
        }
        return t.v2("sys/fs/cgroup/" + PODMAN_CONTAINER, 4096L, 3072, 0);
    }

    @Test
    void podman4sContainerIsFoundInTheNetworkOfTheForwardersChild() {
        ProcTree tree = podman4();
        List<SystemProbe.MemoryLimit> limits = limits(tree);
        assertEquals(1, limits.size(), limits.toString());
        assertEquals("the 4096 MB limit of the cgroup of backend local's model server (port 11434 forwarded by"
                + " containers-rootlessport (pid 900) to port 8080 of network namespace net:[7], pid 4242, "
                + tree.root.resolve("sys/fs/cgroup/" + PODMAN_CONTAINER) + ")", limits.get(0).where());

        tree.socketOf(4242, "tcp", "00000000", 9090, 2001, 1000); // a second port: which is forwarded is not known
        assertEquals(List.of(), limits(tree));
    }

    /**
     * A connection to the machine's 11434 shows where Podman 4's forwarder sends it: a moment after it is made, the
     * forwarder holds the socket its child dialed, whose far end is the container's address and port. The container
     * listens on two ports; in slirp4netns's way the child's network is the container's (10.0.2.100), and with a
     * network of Podman's it is that network's, the container (pid 5242, 10.89.0.2) in one of its own.
     */
    @Test
    void aConnectionShowsWhichOfTheContainersPortsPodman4sForwarderDials() {
        ProcTree tree = podman4().socketOf(4242, "tcp", "00000000", 9090, 2001, 1000)
                .socketOf(901, "tcp", "00000000", 8080, 2000, 1000).socketOf(901, "tcp", "00000000", 9090, 2001, 1000);
        List<Long> paused = new ArrayList<>();
        LoopbackConnector slirp = port -> {
            tree.connectionIn(901, "tcp", "6402000A", 40000, "6402000A", 8080, "01", 7777);
            return new LoopbackConnector.Connection(47080, () -> { });
        };
        ConfigurationManager config = local();
        List<SystemProbe.MemoryLimit> limits = new ModelServerLimits(config::current, tree.root, nanos::get, millis -> {
            paused.add(millis);
            tree.holds(900, 9, 7777); // the forwarder has taken the connection, and holds the socket its child dialed
        }, slirp).bound(MACHINE).memoryLimits();
        assertEquals(1, limits.size(), limits.toString());
        assertEquals("the 4096 MB limit of the cgroup of backend local's model server (port 11434 forwarded by"
                + " containers-rootlessport (pid 900) to 10.0.2.100:8080, pid 4242, "
                + tree.root.resolve("sys/fs/cgroup/" + PODMAN_CONTAINER) + ")", limits.get(0).where());
        assertEquals(List.of(10L), paused, "watched until the forwarder held the socket");

        ProcTree bridge = podman4(dir.resolve("bridge")); // the child in Podman's network 7, at 10.89.0.1
        bridge.write("proc/4242/net/tcp", ProcTree.HEADER);
        bridge.write("proc/4243/net/tcp", ProcTree.HEADER);
        bridge.socketOf(5242, "tcp", "00000000", 8080, 3100, 1000).socketOf(5242, "tcp", "00000000", 9090, 3101, 1000)
                .address(5242, "10.89.0.2").network("5242", 12).process(5242, "0::/" + PODMAN_CONTAINER)
                .connectionIn(901, "tcp", "0100590A", 40001, "0200590A", 9090, "01", 7778);
        limits = new ModelServerLimits(config::current, bridge.root, nanos::get, millis -> { }, port -> {
            bridge.holds(900, 9, 7778);
            return new LoopbackConnector.Connection(47081, () -> { });
        }).bound(MACHINE).memoryLimits();
        assertTrue(limits.get(0).where().contains("forwarded by containers-rootlessport (pid 900) to 10.89.0.2:9090,"
                + " pid 5242, "), limits.toString());
    }

    @Test
    void theContainersAddressIsReadFromTheCommandLineAndItsNetworksFiles() throws IOException {
        ProcTree tree = new ProcTree(dir).address(1, "172.17.0.2")
                .commandLine(2, "docker-proxy", "-container-ip", "fd00::2", "-container-port", "8080")
                .commandLine(3, "docker-proxy", "-container-ip", "example.com", "-container-port", "8080")
                .commandLine(4, "docker-proxy", "-host-port", "8080");
        tree.write("proc/5/net/if_inet6", "00000000000000000000000000000001 01 80 10 80       lo\n"
                + "fd000000000000000000000000000002 1a 40 00 80     eth0\n");
        assertEquals("[fd00:0:0:0:0:0:0:2]:8080", dockerProxy(tree, 2).orElseThrow().address());
        assertEquals(Optional.empty(), dockerProxy(tree, 3), "a name is never looked up");
        assertEquals(Optional.empty(), dockerProxy(tree, 4));
        Path net = tree.root.resolve("proc/1/net");
        assertTrue(PublishedPort.hasAddress(net, InetAddress.getByName("172.17.0.2")));
        assertTrue(!PublishedPort.hasAddress(net, InetAddress.getByName("172.17.0.0")), "a network's, not its own");
        assertTrue(!PublishedPort.hasAddress(net, InetAddress.getByName("172.17.0.3")));
        assertTrue(PublishedPort.hasAddress(tree.root.resolve("proc/5/net"), InetAddress.getByName("fd00::2")));
    }

    private static Optional<ForwarderCommandLine.Forward> dockerProxy(ProcTree tree, long pid) {
        return ForwarderCommandLine.of(tree.root, pid, "docker-proxy", 8080);
    }

    /**
     * Rootless Podman's pasta (pid 900, as pasta.avx2), run as the developer, publishing the container's 8080 on the
     * machine's 11434, the container's network namespace bound at the file Podman names; the container (pids 4242
     * and 4243, in that namespace, limited to 4 GB) and another (pid 5000, another namespace, listening on 8080 too).
     * Pasta copies the machine's address into the container's network: the namespace tells them apart, not the address.
     */
    private ProcTree pasta() throws IOException {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw").network("self", 1);
        t.write("run/user/1000/netns/netns-abc", "");
        long ns = (Long) Files.getAttribute(t.root.resolve("run/user/1000/netns/netns-abc"), "unix:ino");
        t.socket("tcp", "00000000", 11434, "0A", 900, 1000).holds(900, 7, 900).program(900, "pasta.avx2")
                .network("900", 1).process(900, "0::/user.slice/user-1000.slice/user@1000.service")
                .commandLine(900, "/usr/bin/pasta.avx2", "--config-net", "-t", "11434-11434:8080-8080",
                        "--dns-forward", "169.254.0.1", "-u", "none", "-T", "none", "-U", "none", "--no-map-gw",
                        "--quiet", "--netns", "/run/user/1000/netns/netns-abc")
                .socketOf(5000, "tcp", "00000000", 8080, 3000, 1000).network("5000", 7)
                .process(5000, "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-other.scope");
        for (long pid : new long[] {4242, 4243}) {
            t.socketOf(pid, "tcp", "00000000", 8080, 2000, 1000).address(pid, "192.168.1.20").network("" + pid, ns)
                    .process(pid, "0::/" + PODMAN_CONTAINER);
        }
        return t.v2("sys/fs/cgroup/" + PODMAN_CONTAINER, 4096L, 3072, 0);
    }

    private static final String PODMAN_CONTAINER =
            "user.slice/user-1000.slice/user@1000.service/user.slice/libpod-abc.scope";

    @Test
    void theContainerBehindPastaIsFoundInTheNetworkNamespaceItsCommandLineNames() throws IOException {
        ProcTree tree = pasta();
        List<SystemProbe.MemoryLimit> limits = limits(tree);
        assertEquals(1, limits.size(), limits.toString());
        assertEquals(4096, limits.get(0).limitMb());
        String ns = Files.readSymbolicLink(tree.root.resolve("proc/4242/ns/net")).toString();
        assertEquals("the 4096 MB limit of the cgroup of backend local's model server (port 11434 forwarded by"
                + " pasta.avx2 (pid 900) to port 8080 of network namespace " + ns + ", pid 4242, "
                + tree.root.resolve("sys/fs/cgroup/" + PODMAN_CONTAINER) + ")", limits.get(0).where());

        tree.holds(4243, 3, 2000);
        limits = limits(tree);
        assertTrue(limits.get(0).where().contains(", pid 4243, "), "the holder, whose descriptors can be read");
    }

    @Test
    void pastasPortSpecificationsSayWhereTheMachinesPortGoes() {
        assertEquals(OptionalInt.of(8080), ForwarderCommandLine.containerPort("11434-11434:8080-8080", 11434));
        assertEquals(OptionalInt.of(8004), ForwarderCommandLine.containerPort("11430-11440:8000-8010", 11434));
        assertEquals(OptionalInt.of(11434), ForwarderCommandLine.containerPort("127.0.0.1/11434", 11434));
        assertEquals(OptionalInt.of(11434), ForwarderCommandLine.containerPort("::1%lo/11000-12000", 11434));
        assertEquals(OptionalInt.of(8080), ForwarderCommandLine.containerPort("22,11434:8080", 11434));
        assertEquals(OptionalInt.of(11434), ForwarderCommandLine.containerPort("auto", 11434));
        assertEquals(OptionalInt.empty(), ForwarderCommandLine.containerPort("none", 11434));
        assertEquals(OptionalInt.empty(), ForwarderCommandLine.containerPort("~11434", 11434));
        assertEquals(OptionalInt.empty(), ForwarderCommandLine.containerPort("8080-8090:80-90", 11434));
        assertEquals(OptionalInt.empty(), ForwarderCommandLine.containerPort("11434-x:80", 11434));
    }

    private static void deleteProcess(ProcTree tree, long pid) throws IOException {
        try (var files = Files.walk(tree.root.resolve("proc/" + pid))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
