package dev.warmup.server.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process listening on a loopback port: this JVM's own sockets on the real /proc, then hand-made tables. */
class ListeningProcessTest {
    @TempDir Path dir;
    private static final long SELF = ProcessHandle.current().pid();

    private final AtomicLong nanos = new AtomicLong();

    private ListeningProcess lp(Path root) {
        return new ListeningProcess(root, nanos::get);
    }

    /** As long on as an answer stands. */
    private void later() {
        nanos.addAndGet(ListeningProcess.LOOK_AGAIN_NANOS);
    }

    private static void assumeLinux() {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "Linux's /proc");
    }

    @Test
    void findsThisProcessListeningOnLoopbackAndOnEveryAddress() throws IOException {
        assumeLinux();
        ListeningProcess real = new ListeningProcess(Path.of("/"), System::nanoTime);
        try (ServerSocket loopback = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
             ServerSocket any = new ServerSocket()) {
            any.bind(new InetSocketAddress(0));
            assertEquals(OptionalLong.of(SELF), real.on(loopback.getLocalPort()));
            assertEquals(OptionalLong.of(SELF), real.on(any.getLocalPort()), "a wildcard listener takes loopback's");
        }
        try (ServerSocket six = new ServerSocket(0, 5, InetAddress.getByName("::1"))) {
            assertEquals(OptionalLong.of(SELF), real.on(six.getLocalPort()));
        } catch (IOException noIpv6) {
            // a machine without IPv6's loopback: nothing to look for
        }
    }

    @Test
    void aPortNobodyListensOnHasNoProcess() throws IOException {
        assumeLinux();
        int port;
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        assertEquals(OptionalLong.empty(), new ListeningProcess(Path.of("/"), System::nanoTime).on(port));
    }

    @Test
    void onlyListeningSocketsOnLoopbackOrEveryAddressCount() {
        ProcTree t = new ProcTree(dir)
                .socket("tcp", "0100007F", 11434, "01", 100) // a connection from port 11434, not a listener
                .socket("tcp", "0501A8C0", 11434, "0A", 101) // listening on 192.168.1.5 only
                .socket("tcp", "0100007F", 8080, "0A", 102) // another port
                .holds(20, 3, 100).holds(21, 3, 101).holds(22, 4, 102);
        ListeningProcess p = lp(t.root);
        assertEquals(OptionalLong.empty(), p.on(11434));
        assertEquals(OptionalLong.of(22), p.on(8080));
        t.socket("tcp6", "00000000000000000000000001000000", 11434, "0A", 103).holds(23, 5, 103); // ::1
        later();
        assertEquals(OptionalLong.of(23), p.on(11434));
        t.socket("tcp6", "0000000000000000FFFF00000100007F", 9000, "0A", 104).holds(24, 9, 104); // ::ffff:127.0.0.1
        assertEquals(OptionalLong.of(24), p.on(9000));
    }

    @Test
    void anotherUsersServiceWhoseDescriptorsCannotBeReadIsStoodForByItsProcessesWhenAllShareOneGroup() {
        // ollama.service runs as its own user: its /proc/PID/fd cannot be read, its status and cgroup can
        ProcTree t = new ProcTree(dir).user("self", 1000).socket("tcp", "0100007F", 11434, "0A", 300, 998)
                .user("60", 998).process(60, "0::/system.slice/ollama.service")
                .user("61", 998).process(61, "0::/system.slice/ollama.service") // its runner
                .user("70", 1000).process(70, "0::/user.slice/editor");
        assertEquals(OptionalLong.of(60), lp(t.root).on(11434));

        t.user("62", 998).process(62, "0::/system.slice/other.service"); // the user runs something else too
        assertEquals(OptionalLong.empty(), lp(t.root).on(11434), "which one holds it is not known");

        ProcTree mine = new ProcTree(dir.resolve("mine")).user("self", 1000)
                .socket("tcp", "0100007F", 8080, "0A", 400, 1000).user("70", 1000).process(70, "0::/user.slice/editor");
        assertEquals(OptionalLong.empty(), lp(mine.root).on(8080),
                "this user's socket held by no process it can see: its own other processes say nothing of it");
    }

    @Test
    void theTablesAreReadAgainEvery30SecondsAtOnceWhileNothingListensOrTheProcessFoundExitedAndFdsWalkedOnlyForNewSockets()
            throws IOException {
        ProcTree t = new ProcTree(dir).socket("tcp", "00000000", 11434, "0A", 200).holds(30, 3, 200);
        ListeningProcess p = lp(t.root);
        assertEquals(OptionalLong.of(30), p.on(11434));
        Files.delete(dir.resolve("proc/30/fd/3"));
        later();
        assertEquals(OptionalLong.of(30), p.on(11434), "the same socket: the same holder, no walk over /proc");
        t.write("proc/net/tcp", ProcTree.HEADER);
        t.socket("tcp", "00000000", 11434, "0A", 201).holds(31, 3, 201); // the model server restarted
        assertEquals(OptionalLong.of(30), p.on(11434), "within 30 s, while the process found runs, the answer stands");
        Files.delete(dir.resolve("proc/30/fd"));
        Files.delete(dir.resolve("proc/30")); // it has exited
        assertEquals(OptionalLong.of(31), p.on(11434), "read again at once");
        t.write("proc/net/tcp", ProcTree.HEADER);
        t.socket("tcp", "00000000", 11434, "0A", 202); // held by a process this one cannot see
        later();
        assertEquals(OptionalLong.empty(), p.on(11434));
        t.holds(33, 3, 202);
        assertEquals(OptionalLong.empty(), p.on(11434), "sockets held by none found: the answer stands 30 s too");
        later();
        assertEquals(OptionalLong.empty(), p.on(11434), "the same sockets: no walk over /proc either");
        t.write("proc/net/tcp", ProcTree.HEADER + "not a table\n  0: zz:yy 0 0A\n");
        later();
        assertEquals(OptionalLong.empty(), p.on(11434), "lines it cannot read are passed over");
        t.socket("tcp", "00000000", 11434, "0A", 203).holds(32, 3, 203);
        assertEquals(OptionalLong.of(32), p.on(11434), "nothing listened: looked at again at once, not 30 s on");
    }
}
