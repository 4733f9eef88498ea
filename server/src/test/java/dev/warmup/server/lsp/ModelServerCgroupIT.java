package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server, its model server's process in cgroups of the test's making on the real kernel (children of this
 * test's own v1 groups: memory limited to 1 GB, a CPU quota of half a CPU; skipped where the machine does not let it
 * make them): the status says the budget is lowered to what the memory limit leaves, naming the group and the
 * process, though the machine has gigabytes free, the metrics' reading of the machine is that limit's, and the log
 * says warm-ups also wait on the quota. Then the same with the model server in a network of its own, as a container
 * whose port is published is, and a stand-in for docker-proxy, then for pasta, listening on the machine's port, then
 * one for rootless Docker's RootlessKit there and one for docker-proxy in a network of its own between the two, then
 * one for Podman 4's rootlessport with a child in the model server's network; and
 * with nothing listening on the machine's port, a NAT rule of the test's making leading to the model server.
 */
class ModelServerCgroupIT {
    @TempDir Path dir;
    private final List<Path> made = new ArrayList<>();

    /** A child of this process's v1 group for {@code controller}, with {@code file} set to {@code value}. */
    private Optional<Path> group(String controller, String file, String value) {
        try {
            String own = Files.readAllLines(Path.of("/proc/self/cgroup")).stream().map(l -> l.split(":", 3))
                    .filter(f -> f.length == 3 && List.of(f[1].split(",")).contains(controller))
                    .map(f -> f[2]).findFirst().orElse(null);
            Path mount = Path.of("/sys/fs/cgroup", controller);
            if (own == null || !Files.isWritable(mount.resolve(own.substring(1)))) {
                return Optional.empty();
            }
            Path child = mount.resolve(own.substring(1)).resolve("warmup-it-" + ProcessHandle.current().pid());
            Files.createDirectories(child);
            made.add(child);
            if (file != null) {
                Files.writeString(child.resolve(file), value);
            }
            return Optional.of(child);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @AfterEach
    void removeGroups() throws InterruptedException {
        for (Path g : made) {
            for (int i = 0; i < 100 && Files.exists(g); i++) {
                try {
                    Files.delete(g); // once the kernel has let go of the process
                } catch (IOException busy) {
                    Thread.sleep(100);
                }
            }
        }
    }

    @Test
    void theServerKeepsWithinTheModelServersMemoryLimitAndWatchesItsCpuQuota() throws Exception {
        Optional<Path> memory = group("memory", "memory.limit_in_bytes", Long.toString(1L << 30));
        Optional<Path> cpu = group("cpu", "cpu.cfs_quota_us", "50000");
        Optional<Path> cpuacct = group("cpuacct", null, null);
        Assumptions.assumeTrue(memory.isPresent() && cpu.isPresent() && cpuacct.isPresent(),
                "no cgroup v1 hierarchies this test may add groups to");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        Path source = Path.of(ModelServerCgroupIT.class.getResource("/cgroup/ListenOn.java").toURI());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process modelServer = new ProcessBuilder("sh", "-c", "for g in \"$1\" \"$2\" \"$3\"; do echo $$ > \"$g\"; done"
                + " && exec \"$4\" \"$5\" \"$6\"", "sh", memory.get().resolve("cgroup.procs").toString(),
                cpu.get().resolve("cgroup.procs").toString(), cpuacct.get().resolve("cgroup.procs").toString(),
                java.toString(), source.toString(), Integer.toString(port)).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(modelServer.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = out.readLine();
            Assumptions.assumeTrue("listening".equals(first), "the stand-in did not start: " + first);
            JsonObject settings = JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                    + " \"http://127.0.0.1:" + port + "\"}}, \"models\": [{\"id\": \"coder\", \"tasks\":"
                    + " [\"completion\"], \"memoryMb\": 1500, \"backend\": \"local\"}]}").getAsJsonObject();
            Path log = dir.resolve("server.log");
            String who = "the cgroup of backend local's model server (port " + port + ", pid " + modelServer.pid()
                    + ", ";
            try (RawLspProcess server = RawLspProcess.loggingTo(dir.resolve("data"), log)) {
                server.initialize(settings);
                String seen = "";
                String quota = "cpu: warm-ups of the models of backend local also wait while the 0.5 CPUs' quota of "
                        + who + cpu.get() + ")";
                // the server samples every 5 s
                for (int i = 0; i < 300 && !(seen.contains(who) && RawLspProcess.logged(log, quota)); i++) {
                    seen = String.valueOf(server.request("warmup/status", null).getAsJsonObject("result")
                            .get("heldBack"));
                    Thread.sleep(100);
                }
                assertTrue(seen.contains("WMP-4005 Memory budget lowered") && seen.contains("in the 1024 MB limit of "
                        + who + memory.get() + ")"), seen);
                assertTrue(RawLspProcess.logged(log, quota), Files.readString(log));
                JsonObject machine = server.command("warmup.metrics").getAsJsonObject("machine");
                JsonObject limit = machine.getAsJsonArray("memoryLimits").get(0).getAsJsonObject();
                assertTrue(limit.get("where").getAsString().equals("the 1024 MB limit of " + who + memory.get() + ")")
                        && limit.get("limitMb").getAsLong() == 1024, machine.toString());
            }
        } finally {
            modelServer.destroyForcibly().waitFor();
        }
    }

    @Test
    void aContainersPortPublishedByDockerProxyLeadsToTheModelServerInItsNetwork() throws Exception {
        publishedBy("docker-proxy", (port, container) -> dockerProxy(port), null, container -> "10.231.0.2:11434");
    }

    /**
     * Rootless Docker: a stand-in for RootlessKit on the machine's port, and one for docker-proxy listening on the same
     * port in a network of its own (RootlessKit's), publishing the container's.
     */
    @Test
    void rootlessDockersPortLeadsThroughTheDockerProxyInRootlessKitsNetworkToTheModelServer() throws Exception {
        publishedBy("rootlesskit", (port, container) -> List.of("--net=slirp4netns", "--port-driver=builtin",
                "dockerd-rootless.sh"), port -> dockerProxy(port), container -> "10.231.0.2:11434");
    }

    /**
     * A NAT rule publishing the port (Docker without its userland proxy, rootful Podman): nothing listens on the
     * machine's port; a stand-in model server in a network namespace of the test's making (a veth pair, 10.231.1.2 on
     * its side) in a v1 memory group limited to 1 GB, listening on every address of both families, and iptables' DNAT
     * from 127.0.0.1's port to it, masqueraded on the way out (route_localnet on the host's end of the pair only). The
     * real server connects, finds its connection in the container's network, and {@code heldBack} names the rule's
     * target, the process and the group.
     */
    @Test
    void aContainersPortPublishedByANatRuleLeadsToTheModelServerItsConnectionReaches() throws Exception {
        Optional<Path> memory = group("memory", "memory.limit_in_bytes", Long.toString(1L << 30));
        Assumptions.assumeTrue(memory.isPresent(), "no cgroup v1 memory hierarchy this test may add groups to");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        String tag = Long.toString(ProcessHandle.current().pid() % 100_000);
        String ns = "warmup-it-" + tag;
        String host = "wmh" + tag;
        String dnat = "-d 127.0.0.1 -p tcp --dport " + port + " -j DNAT --to-destination 10.231.1.2:11434";
        String masquerade = "-s 127.0.0.1 -o " + host + " -j MASQUERADE";
        List<String> undo = new ArrayList<>();
        Process modelServer = null;
        try {
            boolean made = sh("ip netns add " + ns, undo, "ip netns del " + ns)
                    && sh("ip link add " + host + " type veth peer name wmc" + tag, undo, "ip link del " + host)
                    && sh("ip link set wmc" + tag + " netns " + ns + " && ip addr add 10.231.1.1/24 dev " + host
                            + " && ip link set " + host + " up && ip netns exec " + ns + " sh -c 'ip addr add"
                            + " 10.231.1.2/24 dev wmc" + tag + " && ip link set wmc" + tag + " up && ip link set lo up"
                            + " && ip route add default via 10.231.1.1'"
                            + " && sysctl -qw net.ipv4.conf." + host + ".route_localnet=1", undo, null)
                    && sh("iptables -t nat -A OUTPUT " + dnat, undo, "iptables -t nat -D OUTPUT " + dnat)
                    && sh("iptables -t nat -A POSTROUTING " + masquerade, undo,
                            "iptables -t nat -D POSTROUTING " + masquerade);
            Assumptions.assumeTrue(made, "no network namespace, veth pair or iptables NAT of the test's making");
            Path source = Path.of(ModelServerCgroupIT.class.getResource("/cgroup/ListenOn.java").toURI());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // ip netns exec execs in the same process, so the pid is the stand-in's
            // on every address of both families where the kernel has IPv6, as Ollama listens: the connection, IPv4,
            // is then in the container's tcp6 table
            String every = "0".equals(Files.exists(Path.of("/proc/sys/net/ipv6/conf/default/disable_ipv6"))
                    ? Files.readString(Path.of("/proc/sys/net/ipv6/conf/default/disable_ipv6")).trim() : "") ? "::"
                    : "0.0.0.0";
            modelServer = new ProcessBuilder("sh", "-c", "echo $$ > \"$1\" && exec ip netns exec \"$2\" \"$3\" \"$4\""
                    + " 11434 \"$5\"", "sh", memory.get().resolve("cgroup.procs").toString(), ns, java,
                    source.toString(), every).redirectErrorStream(true).start();
            String first = new BufferedReader(new InputStreamReader(modelServer.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertTrue("listening".equals(first), "the stand-in did not start: " + first);
            heldBackNames(port, "the 1024 MB limit of the cgroup of backend local's model server (port " + port
                    + " published by a NAT rule to 10.231.1.2:11434, pid " + modelServer.pid() + ", " + memory.get()
                    + ")");
        } finally {
            if (modelServer != null) {
                modelServer.destroyForcibly().waitFor();
            }
            for (int i = undo.size() - 1; i >= 0; i--) {
                new ProcessBuilder("sh", "-c", undo.get(i)).redirectErrorStream(true).start().waitFor();
            }
        }
    }

    /**
     * The real server, its backend at 127.0.0.1's {@code port}: its status's {@code heldBack} comes to say, under
     * WMP-4005, {@code who} (it samples every 5 s), and its metrics list the model server found as {@code who} names
     * it.
     */
    private void heldBackNames(int port, String who) throws Exception {
        JsonObject settings = JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                + " \"http://127.0.0.1:" + port + "\"}}, \"models\": [{\"id\": \"coder\", \"tasks\":"
                + " [\"completion\"], \"memoryMb\": 1500, \"backend\": \"local\"}]}").getAsJsonObject();
        try (RawLspProcess server = RawLspProcess.loggingTo(dir.resolve("data"), dir.resolve("server.log"))) {
            server.initialize(settings);
            String seen = "";
            for (int i = 0; i < 300 && !seen.contains(who); i++) {
                seen = String.valueOf(server.request("warmup/status", null).getAsJsonObject("result")
                        .get("heldBack"));
                Thread.sleep(100);
            }
            assertTrue(seen.contains("WMP-4005 Memory budget lowered") && seen.contains(who), seen);
            // and the metrics' reading of the machine lists the model server found, the same way
            JsonObject machine = server.command("warmup.metrics").getAsJsonObject("machine");
            String found = machine.getAsJsonArray("modelServers").get(0).getAsJsonObject().get("where").getAsString();
            assertTrue(who.contains("model server (" + found + ", "), found + " in " + who);
        }
    }

    /** Runs {@code command}; once it has succeeded, {@code undo} (if any) is what takes it back. */
    private static boolean sh(String command, List<String> undo, String undoing) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(System.out);
        boolean ok = p.waitFor() == 0;
        if (ok && undoing != null) {
            undo.add(undoing);
        }
        return ok;
    }

    /**
     * Podman 4's rootless forwarder: a stand-in run as Podman runs it, which for each connection it takes dials the
     * model server from within its network and holds that socket, as RootlessKit's builtin port driver does
     * ({@link #podman4Forwarder}); the model server's network listens on a second port too.
     */
    @Test
    void podman4sPortLeadsToTheModelServerItsForwarderDials() throws Exception {
        publishedBy("containers-rootlessport", (port, container) -> List.of(), null, container -> "10.231.0.2:11434");
    }

    /**
     * The command of a stand-in for Podman 4's forwarder on the machine's {@code port} (rootlessport.py: program "exe",
     * first argument {@code containers-rootlessport}, set with bash's {@code exec -a}), with a child named alike (a
     * link named {@code exe} to {@code sleep}) entered into the network of {@code container}, the model server, where
     * it dials 10.231.0.2:11434 for each connection it takes. The model server's network gets a second listener, on
     * 9090 (added to {@code started}), so that which port is forwarded is not told by there being one only.
     */
    private List<String> podman4Forwarder(int port, long container, List<Process> started) throws Exception {
        // the interpreter itself, not a launcher that runs it again (pyenv's shim would lose the first argument)
        Process which = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
        String python = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Assumptions.assumeTrue(which.waitFor() == 0 && !python.isEmpty(), "no python3");
        String netns = "/proc/" + container + "/ns/net";
        Process second = new ProcessBuilder("nsenter", "--net=" + netns, "python3", "-c", "import socket, time\n"
                + "s = socket.socket()\ns.bind(('0.0.0.0', 9090))\ns.listen()\nprint('listening', flush=True)\n"
                + "time.sleep(600)").redirectErrorStream(true).start();
        started.add(second);
        String said = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertTrue("listening".equals(said), "the second listener did not start: " + said);
        Files.createSymbolicLink(dir.resolve("exe"), Path.of("/bin/sleep"));
        Path script = Path.of(ModelServerCgroupIT.class.getResource("/cgroup/rootlessport.py").toURI());
        return new ArrayList<>(List.of("bash", "-c", "exec -a containers-rootlessport \"$@\"", "bash", python,
                script.toString(), Integer.toString(port), netns, "10.231.0.2", "11434", "exec nsenter --net=" + netns
                        + " bash -c 'exec -a containers-rootlessport-child \"$0\" 600' " + dir.resolve("exe")));
    }

    private static List<String> dockerProxy(int port) {
        return List.of("-proto", "tcp", "-host-ip", "127.0.0.1", "-host-port", Integer.toString(port), "-container-ip",
                "10.231.0.2", "-container-port", "11434");
    }

    @Test
    void aContainersPortPublishedByPastaLeadsToTheModelServerInTheNetworkNamespaceItNames() throws Exception {
        publishedBy("pasta", (port, container) -> List.of("--config-net", "-t", port + "-" + port + ":11434-11434",
                "--dns-forward", "169.254.0.1", "--no-map-gw", "--quiet", "--netns", "/proc/" + container + "/ns/net"),
                null, container -> {
                    try {
                        return "port 11434 of network namespace "
                                + Files.readSymbolicLink(Path.of("/proc/" + container + "/ns/net"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    @Test
    void aModelServersCpusetOfOneBusyCpuIsReadBesideTheMachine() throws Exception {
        Optional<Path> cpuset = group("cpuset", "cpuset.cpus", "1"); // the second CPU alone
        Assumptions.assumeTrue(cpuset.isPresent(), "no cgroup v1 cpuset hierarchy this test may add groups to, or"
                + " one CPU only");
        Files.writeString(cpuset.get().resolve("cpuset.mems"),
                Files.readString(cpuset.get().getParent().resolve("cpuset.mems")).trim());
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        Path source = Path.of(ModelServerCgroupIT.class.getResource("/cgroup/ListenOn.java").toURI());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String procs = cpuset.get().resolve("cgroup.procs").toString();
        Process modelServer = new ProcessBuilder("sh", "-c", "echo $$ > \"$1\" && exec \"$2\" \"$3\" \"$4\"", "sh",
                procs, java, source.toString(), Integer.toString(port)).redirectErrorStream(true).start();
        // the developer's tools keep that CPU busy
        Process spinner = new ProcessBuilder("sh", "-c", "echo $$ > \"$1\" && exec sh -c 'while :; do :; done'", "sh",
                procs).start();
        try {
            String first = new BufferedReader(new InputStreamReader(modelServer.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            Assumptions.assumeTrue("listening".equals(first), "the stand-in did not start: " + first);
            JsonObject settings = JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                    + " \"http://127.0.0.1:" + port + "\"}}}").getAsJsonObject();
            String where = "the cpuset of the cgroup of backend local's model server (port " + port + ", pid "
                    + modelServer.pid() + ", " + cpuset.get() + ": CPU 1, 1 of the machine's 2)";
            try (RawLspProcess server = RawLspProcess.loggingTo(dir.resolve("data"), dir.resolve("server.log"))) {
                server.initialize(settings);
                JsonObject limit = null;
                for (int i = 0; i < 300 && limit == null; i++) { // the server samples every 5 s
                    JsonObject machine = server.command("warmup.metrics").getAsJsonObject("machine");
                    if (machine.has("cpuLimits")) {
                        for (var l : machine.getAsJsonArray("cpuLimits")) {
                            if (l.getAsJsonObject().get("where").getAsString().equals(where)) {
                                limit = l.getAsJsonObject();
                            }
                        }
                    }
                    Thread.sleep(100);
                }
                assertTrue(limit != null, "no cpuset listed: " + Files.readString(dir.resolve("server.log")));
                assertTrue(limit.get("cores").getAsDouble() == 1.0 && limit.get("load").getAsDouble() > 0.5,
                        limit.toString());
            }
        } finally {
            spinner.destroyForcibly().waitFor();
            modelServer.destroyForcibly().waitFor();
        }
    }

    /**
     * A stand-in model server in a container of the test's making: its own network (with address 10.231.0.2) and a
     * memory group limited to 1 GB, listening on every address at 11434 there; a stand-in forwarder named
     * {@code program} with the arguments {@code args} gives (for the machine's port and the model server's pid),
     * listening on the machine's port; where {@code inner} is given, a stand-in for docker-proxy with the arguments
     * it gives (for the port), listening on the same port in a network of its own, between the two. The real server's
     * {@code heldBack} names the limit, the forwarder, where it forwards to ({@code address} of the model server's
     * pid), the docker-proxy between and the model server's process.
     */
    private void publishedBy(String program, BiFunction<Integer, Long, List<String>> args,
                             Function<Integer, List<String>> inner, Function<Long, String> address) throws Exception {
        Optional<Path> memory = group("memory", "memory.limit_in_bytes", Long.toString(1L << 30));
        Assumptions.assumeTrue(memory.isPresent(), "no cgroup v1 memory hierarchy this test may add groups to");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        Path source = Path.of(ModelServerCgroupIT.class.getResource("/cgroup/ListenOn.java").toURI());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // unshare --net execs in the same process, so the pid is the stand-in's
        Process modelServer = new ProcessBuilder("sh", "-c", "echo $$ > \"$1\" && exec unshare --net sh -c 'ip link"
                + " set lo up && ip addr add 10.231.0.2/32 dev lo && exec \"$0\" \"$1\" 11434 0.0.0.0' \"$2\" \"$3\"",
                "sh", memory.get().resolve("cgroup.procs").toString(), java, source.toString())
                .redirectErrorStream(true).start();
        Process forwarder = null;
        Process between = null;
        List<Process> extra = new ArrayList<>();
        try {
            String first = new BufferedReader(new InputStreamReader(modelServer.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            Assumptions.assumeTrue("listening".equals(first), "no network namespace of the test's making: " + first);
            if (inner != null) {
                List<String> command = new ArrayList<>(List.of("unshare", "--net", "sh", "-c", "ip link set lo up &&"
                        + " exec \"$0\" \"$@\"", java, source.toString(), Integer.toString(port), "127.0.0.1",
                        "docker-proxy"));
                command.addAll(inner.apply(port));
                between = new ProcessBuilder(command).redirectErrorStream(true).start();
                String said = new BufferedReader(new InputStreamReader(between.getInputStream(),
                        StandardCharsets.UTF_8)).readLine();
                assertTrue("listening".equals(said), "the docker-proxy stand-in did not start: " + said);
            }
            List<String> command = new ArrayList<>(List.of(java, source.toString(), Integer.toString(port),
                    "127.0.0.1", program));
            command.addAll(args.apply(port, modelServer.pid()));
            if (program.equals("containers-rootlessport")) {
                command = podman4Forwarder(port, modelServer.pid(), extra);
            }
            forwarder = new ProcessBuilder(command).redirectErrorStream(true).start();
            String forwarderFirst = new BufferedReader(new InputStreamReader(forwarder.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertTrue("listening".equals(forwarderFirst), "the " + program + " stand-in did not start: "
                    + forwarderFirst);
            heldBackNames(port, "the 1024 MB limit of the cgroup of backend local's model server (port " + port
                    + " forwarded by " + program + " (pid " + forwarder.pid() + ") to "
                    + address.apply(modelServer.pid())
                    + (between == null ? "" : " through docker-proxy (pid " + between.pid() + ")")
                    + ", pid " + modelServer.pid() + ", " + memory.get() + ")");
        } finally {
            extra.add(forwarder);
            extra.add(between);
            for (Process p : extra) {
                if (p != null) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                }
            }
            modelServer.destroyForcibly().waitFor();
        }
    }
}
