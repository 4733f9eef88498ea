package dev.warmup.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.warmup.server.store.ModelOwners.Holder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two servers' claims in one real store file, as two editor windows share it. */
class ModelOwnersTest {
    @TempDir Path dir;

    private final ProcessIdentity a = new ProcessIdentity(1001, 5);
    private final ProcessIdentity b = new ProcessIdentity(1002, 5);
    private final Set<ProcessIdentity> running = ConcurrentHashMap.newKeySet();

    /** The claims of the server {@code self}, in {@code store}, among the servers {@link #running}. */
    private ModelOwners owners(UsageStore store, ProcessIdentity self) {
        return new ModelOwners(store, new FakeProcesses(self, running), Clock.systemUTC());
    }

    @Test
    void oneModelServerHasOneKeyHoweverItsUrlIsSpelt() {
        String loopback = ModelOwners.key("http://127.0.0.1:11434");
        for (String same : List.of("http://localhost:11434", "HTTP://LocalHost:11434/", "http://[::1]:11434",
                "http://[0:0:0:0:0:0:0:1]:11434")) {
            assertEquals(loopback, ModelOwners.key(same), same);
        }
        assertEquals(ModelOwners.key("http://localhost:80"), ModelOwners.key("http://localhost"));
        assertEquals(ModelOwners.key("https://gpu.lan:443/v1"), ModelOwners.key("https://gpu.lan/v1/"));
        assertEquals(ModelOwners.key("http://[fe80::1]:8080"), ModelOwners.key("http://[FE80:0:0:0:0:0:0:1]:8080"));
        assertNotEquals(ModelOwners.key("http://gpu.lan:11434"), ModelOwners.key("http://gpu.lan:8080"));
        assertNotEquals(loopback, ModelOwners.key("http://127.0.0.1:8080/v1"));
    }

    @Test
    void eachServerTellsItsOwnClaimsFromAnotherServersAndFromNobodys() throws Exception {
        running.addAll(Set.of(a, b));
        try (UsageStore storeA = UsageStore.open(dir.resolve("usage.db"));
             UsageStore storeB = UsageStore.open(dir.resolve("usage.db"))) {
            ModelOwners ownersA = owners(storeA, a);
            ModelOwners ownersB = owners(storeB, b);
            assertEquals(Holder.NONE, ownersA.holder("http://127.0.0.1:11434", "coder").holder());

            ownersA.claim("http://127.0.0.1:11434", "coder");
            assertEquals(Holder.US, ownersA.holder("http://127.0.0.1:11434", "coder").holder());
            ModelOwners.Claim seenByB = ownersB.holder("HTTP://127.0.0.1:11434/", "coder");
            assertEquals(Holder.ANOTHER_SERVER, seenByB.holder(), "the same model server, however its URL is written");
            assertEquals(a, seenByB.process());
            assertEquals(Holder.NONE, ownersB.holder("http://127.0.0.1:8080", "coder").holder(), "another server");
            assertEquals(Holder.ANOTHER_SERVER, ownersB.holder("http://localhost:11434", "coder").holder());
            assertEquals(Holder.ANOTHER_SERVER, ownersB.holder("http://[::1]:11434/", "coder").holder());
            assertEquals(Holder.NONE, ownersB.holder("http://127.0.0.2:11434", "coder").holder(), "may be another");

            ownersB.release("http://127.0.0.1:11434", "coder");
            assertEquals(Holder.US, ownersA.holder("http://127.0.0.1:11434", "coder").holder(), "not B's to release");

            running.remove(a);
            assertEquals(Holder.EXITED_SERVER, ownersB.holder("http://127.0.0.1:11434", "coder").holder());
            ownersB.claim("http://127.0.0.1:11434", "coder");
            assertEquals(Holder.US, ownersB.holder("http://127.0.0.1:11434", "coder").holder(), "the last claim holds");

            ownersB.release("http://127.0.0.1:11434", "coder");
            assertEquals(Holder.NONE, ownersA.holder("http://127.0.0.1:11434", "coder").holder());
        }
    }

    @Test
    void aServerWhoseStartReadsASecondLaterAfterAClockStepHasNotExited() throws Exception {
        ProcessIdentity recorded = new ProcessIdentity(1001, 1_796_234_581_250L);
        String url = "http://127.0.0.1:11434";
        try (UsageStore storeA = UsageStore.open(dir.resolve("usage.db"));
             UsageStore storeB = UsageStore.open(dir.resolve("usage.db"))) {
            ModelOwners ownersA = owners(storeA, recorded);
            ModelOwners ownersB = owners(storeB, b);
            ownersA.claim(url, "coder");
            running.addAll(Set.of(b, new ProcessIdentity(1001, recorded.startedMillis() + 1000)));
            assertEquals(Holder.ANOTHER_SERVER, ownersB.holder(url, "coder").holder(), "boot time read a second on");
            ownersB.forgetExited(url, "coder");
            assertEquals(Holder.ANOTHER_SERVER, ownersB.holder(url, "coder").holder(), "not taken over");

            running.removeIf(p -> p.pid() == 1001);
            running.add(new ProcessIdentity(1001, recorded.startedMillis() + 3_600_000));
            assertEquals(Holder.EXITED_SERVER, ownersB.holder(url, "coder").holder(), "its pid given to another since");
        }
    }

    @Test
    void onlyAnExitedServersClaimIsForgottenByAnother() throws Exception {
        running.addAll(Set.of(a, b));
        String url = "http://127.0.0.1:8080";
        try (UsageStore storeA = UsageStore.open(dir.resolve("usage.db"));
             UsageStore storeB = UsageStore.open(dir.resolve("usage.db"))) {
            ModelOwners ownersA = owners(storeA, a);
            ModelOwners ownersB = owners(storeB, b);
            ownersA.claim(url, "coder");
            ownersB.forgetExited(url, "coder");
            assertEquals(Holder.ANOTHER_SERVER, ownersB.holder(url, "coder").holder(), "A still runs");
            ownersB.claim(url, "chat");
            ownersB.forgetExited(url, "chat");
            assertEquals(Holder.US, ownersB.holder(url, "chat").holder(), "its own claim");

            running.remove(a);
            ownersB.forgetExited(url, "coder");
            assertEquals(Holder.NONE, ownersB.holder(url, "coder").holder(), "A has exited");
        }
    }

    @Test
    void aHolderHandsAModelToARunningServerThatWantsIt() throws Exception {
        ProcessIdentity c = new ProcessIdentity(1003, 5);
        running.addAll(Set.of(a, b, c));
        String url = "http://127.0.0.1:11434";
        try (UsageStore storeA = UsageStore.open(dir.resolve("usage.db"));
             UsageStore storeB = UsageStore.open(dir.resolve("usage.db"));
             UsageStore storeC = UsageStore.open(dir.resolve("usage.db"))) {
            ModelOwners ownersA = owners(storeA, a);
            ModelOwners ownersB = owners(storeB, b);
            ModelOwners ownersC = owners(storeC, c);
            ownersA.claim(url, "coder");
            ownersA.want(url, "coder");
            assertEquals(Optional.empty(), ownersA.wanter(url, "coder"), "its own want does not count");
            ownersB.want("http://localhost:11434/", "coder");
            ownersC.want(url, "big");
            assertEquals(Optional.of(b), ownersA.wanter(url, "coder"));

            running.remove(b); // that window closed: what it wanted goes with it
            assertEquals(Optional.empty(), ownersA.wanter(url, "coder"));
            running.add(b);
            assertEquals(Optional.empty(), ownersA.wanter(url, "coder"), "forgotten, not revived by a reused pid");

            ownersC.want(url, "coder");
            assertEquals(false, ownersB.handOver(url, "coder", c), "only the holder hands a model over");
            assertEquals(true, ownersA.handOver(url, "coder", c));
            assertEquals(Holder.US, ownersC.holder(url, "coder").holder());
            assertEquals(Holder.ANOTHER_SERVER, ownersA.holder(url, "coder").holder());
            ownersC.unwant(url, "coder");
            assertEquals(Optional.of(a), ownersC.wanter(url, "coder"), "A said it wanted coder and has not unsaid it");
            ownersA.unwant(url, "coder");
            assertEquals(Optional.empty(), ownersC.wanter(url, "coder"));
        }
    }

    @Test
    void theOperatingSystemsTableTellsARunningServerFromOneThatExited() throws Exception {
        ProcessTable os = ProcessTable.os();
        ProcessIdentity self = os.self();
        assertEquals(true, os.alive(self));
        assertEquals(false, os.alive(new ProcessIdentity(self.pid(), self.startedMillis() - 3_600_000)),
                "same pid, started an hour earlier: another process");
        assertEquals(true, os.alive(new ProcessIdentity(self.pid(), self.startedMillis() - 1000)),
                "its start read by a server whose boot time was read before a step of the clock");
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ProcessIdentity other = ProcessIdentity.of(child.toHandle());
        child.waitFor();
        assertEquals(false, os.alive(other), "exited");
    }
}
