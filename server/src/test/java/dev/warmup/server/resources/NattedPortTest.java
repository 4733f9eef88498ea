package dev.warmup.server.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.warmup.server.config.ConfigurationManager;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container's port published by a NAT rule (Docker without its userland proxy, rootful Podman): nothing listens on
 * the machine's 18434, yet it takes connections, and the connection made is found in the container's network. Hand-made
 * /proc as a developer's server sees root's containers: their namespace links unreadable, their addresses readable.
 */
class NattedPortTest {
    private static final SystemProbe.Snapshot MACHINE = new SystemProbe.Snapshot(16_000, 9_000, 0.05);
    private static final String CONTAINER = "sys/fs/cgroup/system.slice/docker-a.scope";
    @TempDir Path dir;
    private final AtomicLong nanos = new AtomicLong();
    /** What the connector did: "open 18434", "close 47060". */
    private final List<String> done = new ArrayList<>();

    /**
     * The machine (this process in network 1, root's process 700 in it too), container A (pids 4242 and 4243,
     * 10.231.1.2, limited to 2 GB), container B (pid 5000, 10.231.1.3) and a rootless container C of the developer's
     * (pid 6000, namespace 9), each listening on 11434.
     */
    private ProcTree natted() throws Exception {
        ProcTree t = new ProcTree(dir).mount("/", "/sys/fs/cgroup", "cgroup2", "rw").network("self", 1)
                .address(700, "192.168.1.20").process(700, "0::/system.slice/dockerd.service");
        t.write("proc/self/net/fib_trie", Files.readString(t.root.resolve("proc/700/net/fib_trie")));
        for (long pid : new long[] {4242, 4243}) {
            t.socketOf(pid, "tcp", "00000000", 11434, 2000, 0).address(pid, "10.231.1.2")
                    .process(pid, "0::/system.slice/docker-a.scope");
        }
        t.socketOf(5000, "tcp", "00000000", 11434, 3000, 0).address(5000, "10.231.1.3")
                .process(5000, "0::/system.slice/docker-b.scope")
                .connection(5000, "0301E70A", 11434, "0101E70A", 40000);
        t.socketOf(6000, "tcp", "00000000", 11434, 4000, 1000).network("6000", 9)
                .process(6000, "0::/user.slice/libpod-c.scope");
        return t.v2(CONTAINER, 2048L, 1024, 0);
    }

    /** Connects as the NAT rule would have it: the far end, in A's network, at 10.231.1.1 and our port 47060. */
    private LoopbackConnector toContainerA(ProcTree t) {
        return port -> {
            done.add("open " + port);
            t.connection(4242, "0201E70A", 11434, "0101E70A", 47060).connection(4243, "0201E70A", 11434, "0101E70A",
                    47060);
            return new LoopbackConnector.Connection(47060, () -> done.add("close 47060"));
        };
    }

    private List<SystemProbe.MemoryLimit> limits(ProcTree t, LoopbackConnector connector) {
        ConfigurationManager config = new ConfigurationManager();
        config.apply(JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                + " \"http://localhost:18434\"}}}"));
        return new ModelServerLimits(config::current, t.root, nanos::get, millis -> { }, connector).bound(MACHINE)
                .memoryLimits();
    }

    @Test
    void theConnectionMadeIsFoundInTheContainersNetworkWhoseModelServerItsLimitBinds() throws Exception {
        ProcTree t = natted();
        List<SystemProbe.MemoryLimit> limits = limits(t, toContainerA(t));
        assertEquals(1, limits.size(), limits.toString());
        assertEquals(2048, limits.get(0).limitMb());
        assertEquals("the 2048 MB limit of the cgroup of backend local's model server (port 18434 published by a NAT"
                + " rule to 10.231.1.2:11434, pid 4242, " + t.root.resolve(CONTAINER) + ")", limits.get(0).where());
        assertEquals(List.of("open 18434", "close 47060"), done, "the connection is closed once looked for");

        t.holds(4243, 5, 2000); // where the descriptors can be read (root's server): the holder itself
        assertTrue(limits(t, toContainerA(t)).get(0).where().contains("10.231.1.2:11434, pid 4243, "));
    }

    /** The machine's reading names the model server found, and how, whether or not a limit of its group binds. */
    @Test
    void theReadingNamesTheModelServerFoundThoughNoLimitBinds() throws Exception {
        ProcTree t = natted();
        Files.delete(t.root.resolve(CONTAINER + "/memory.max"));
        ConfigurationManager config = new ConfigurationManager();
        config.apply(JsonParser.parseString("{\"backends\": {\"local\": {\"type\": \"ollama\", \"url\":"
                + " \"http://localhost:18434\"}, \"nowhere\": {\"type\": \"ollama\", \"url\":"
                + " \"http://localhost:18435\"}}}"));
        SystemProbe.Snapshot s = new ModelServerLimits(config::current, t.root, nanos::get, millis -> { },
                port -> {
                    if (port != 18434) {
                        throw new ConnectException("Connection refused");
                    }
                    return toContainerA(t).open(port);
                }).bound(MACHINE);
        assertEquals(List.of(), s.memoryLimits());
        assertEquals(List.of(new SystemProbe.ModelServer(Set.of("local"), 4242,
                "port 18434 published by a NAT rule to 10.231.1.2:11434, pid 4242")), s.modelServers());
    }

    /**
     * A model server listening on every address of both families ({@code [::]:11434}, as Ollama's does): the
     * connection, IPv4, is in the container's tcp6 table with IPv4-mapped addresses (::ffff:10.231.1.2).
     */
    @Test
    void aDualStackModelServersConnectionIsFoundInItsIpv6Table() throws Exception {
        ProcTree t = natted();
        String any6 = "00000000000000000000000000000000";
        for (long pid : new long[] {4242, 4243}) {
            t.write("proc/" + pid + "/net/tcp", ProcTree.HEADER);
            t.socketOf(pid, "tcp6", any6, 11434, 2000, 0);
        }
        NattedPort natted = new NattedPort(t.root, nanos::get, port -> {
            t.connectionIn(4242, "tcp6", "0000000000000000FFFF00000201E70A", 11434, "0000000000000000FFFF00000101E70A",
                    47063, "01");
            return new LoopbackConnector.Connection(47063, () -> { });
        });
        assertEquals(Optional.of(new PublishedPort.Target(4242, "10.231.1.2:11434")), natted.behind(18434));
    }

    @Test
    void aConnectionItsServerHungUpOnAtOnceIsFoundAsWell() throws Exception {
        ProcTree t = natted();
        for (String closing : new String[] {"04", "06", "08"}) { // FIN_WAIT1, TIME_WAIT, CLOSE_WAIT
            NattedPort natted = new NattedPort(t.root, nanos::get, port -> {
                t.connection(4242, "0201E70A", 11434, "0101E70A", 47062, closing);
                return new LoopbackConnector.Connection(47062, () -> { });
            });
            assertEquals(4242, natted.behind(18434).orElseThrow().pid(), closing);
        }
    }

    @Test
    void anAnswerStandsWhileItsProcessRunsAndNoneFoundIsLookedForAgainLater() throws Exception {
        ProcTree t = natted();
        NattedPort natted = new NattedPort(t.root, nanos::get, toContainerA(t));
        assertEquals(Optional.of(new PublishedPort.Target(4242, "10.231.1.2:11434")), natted.behind(18434));
        assertEquals(4242, natted.behind(18434).orElseThrow().pid());
        assertEquals(1, done.stream().filter(d -> d.startsWith("open")).count(), "no connection while 4242 runs");

        int[] opened = {0};
        NattedPort refused = new NattedPort(t.root, nanos::get, port -> {
            opened[0]++;
            throw new ConnectException("Connection refused");
        });
        assertEquals(Optional.empty(), refused.behind(18434));
        assertEquals(Optional.empty(), refused.behind(18434));
        assertEquals(1, opened[0], "none found stands a while");
        nanos.addAndGet(PublishedPort.LOOK_AGAIN_NANOS);
        refused.behind(18434);
        assertEquals(2, opened[0]);
        refused.forget(); // the model server answers again
        refused.behind(18434);
        assertEquals(3, opened[0]);
    }

    @Test
    void aPortSomethingListensOnInThisNetworkIsNeverConnectedToThoughItsHolderIsNotFound() throws Exception {
        ProcTree t = natted().socket("tcp", "0100007F", 18434, "0A", 900, 0); // root's, its holder not seen
        assertEquals(List.of(), limits(t, toContainerA(t)));
        assertEquals(List.of(), done);
    }

    @Test
    void aConnectionFoundInTwoNetworksOrNoneLeadsNowhere() throws Exception {
        ProcTree t = natted();
        NattedPort natted = new NattedPort(t.root, nanos::get, port -> {
            // both A's and C's networks hold a connection whose far end has our port
            t.connection(4242, "0201E70A", 11434, "0101E70A", 47060).connection(6000, "0100007F", 11434, "0100007F",
                    47060);
            return new LoopbackConnector.Connection(47060, () -> { });
        });
        assertEquals(Optional.empty(), natted.behind(18434));
        NattedPort elsewhere = new NattedPort(t.root, nanos::get,
                port -> new LoopbackConnector.Connection(47061, () -> { }));
        assertEquals(Optional.empty(), elsewhere.behind(18434), "a NAT rule to another machine: in no network here");
    }
}
