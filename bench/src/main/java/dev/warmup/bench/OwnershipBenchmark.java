package dev.warmup.bench;

import dev.warmup.server.store.ModelOwners;
import dev.warmup.server.store.ProcessIdentity;
import dev.warmup.server.store.ProcessTable;
import dev.warmup.server.store.UsageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the shared record of who holds which model costs a scheduler tick: each reconciliation reads it once per
 * resident model ({@code holderOurs}: a model this server holds; {@code holderAnotherServer}: one a running server
 * holds, which adds asking the operating system whether that process still runs), and a server about to unload a
 * model looks for another that wants it ({@code wanter}). A real store file in WAL mode, as every server opens it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OwnershipBenchmark {
    private static final String URL = "http://127.0.0.1:11434";
    private Path dir;
    private UsageStore store;
    private ModelOwners owners;

    @Setup
    public void setUp() throws IOException, SQLException {
        dir = Files.createTempDirectory("warmup-ownership-bench");
        store = UsageStore.open(dir.resolve("usage.db"));
        ProcessTable os = ProcessTable.os();
        owners = new ModelOwners(store, os, Clock.systemUTC());
        ProcessIdentity parent = ProcessIdentity.of(ProcessHandle.current().parent().orElseThrow());
        ModelOwners other = new ModelOwners(store, new ProcessTable() { // the JMH launcher stands for another server
            @Override public ProcessIdentity self() { return parent; }
            @Override public boolean alive(ProcessIdentity p) { return os.alive(p); }
        }, Clock.systemUTC());
        owners.claim(URL, "coder:latest");
        other.claim(URL, "chat:latest");
        other.want(URL, "coder:latest");
        if (owners.holder(URL, "chat:latest").holder() != ModelOwners.Holder.ANOTHER_SERVER) {
            throw new IllegalStateException("the other process is not seen running");
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        store.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public ModelOwners.Claim holderOurs() throws SQLException {
        return owners.holder(URL, "coder:latest");
    }

    @Benchmark
    public ModelOwners.Claim holderAnotherServer() throws SQLException {
        return owners.holder(URL, "chat:latest");
    }

    @Benchmark
    public Object wanter() throws SQLException {
        return owners.wanter(URL, "coder:latest");
    }
}
