package dev.warmup.bench;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.warmup.server.ServerModule;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventPipeline;
import dev.warmup.server.lsp.DocumentEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The request-thread cost of the two hottest notifications: a one-character didChange and a completion request,
 * as handled by {@link DocumentEvents} with the real usage feed (bounded queue, SQLite writer in the background).
 * Sample mode gives percentiles. Run with short iterations so the queue never fills (see {@link #drain()}):
 * {@code java -jar bench/target/benchmarks.jar LspHotPathBenchmark -f 1 -wi 50 -w 20ms -i 300 -r 20ms}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LspHotPathBenchmark {
    private static final String URI = "file:///bench/src/Main.java";
    private Injector injector;
    private DocumentEvents documents;
    private DidChangeTextDocumentParams change;
    private CompletionParams completion;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("warmup-bench");
        injector = Guice.createInjector(new ServerModule(new DataDirectory(dir)));
        documents = injector.getInstance(DocumentEvents.class);
        documents.didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(URI, "java", 1, "class Main {\n}\n")));
        change = new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(URI, 2), List.of(
                new TextDocumentContentChangeEvent(new Range(new Position(1, 0), new Position(1, 0)), "x")));
        completion = new CompletionParams(new TextDocumentIdentifier(URI), new Position(1, 1));
    }

    /**
     * Empties the event queue before each iteration, so that with short iterations ({@code -r 20ms}: about 30,000
     * events, under the queue's 50,000) every event takes the accept path, as it does at editor speeds.
     */
    @Setup(Level.Iteration)
    public void drain() throws Exception {
        injector.getInstance(EventPipeline.class).flush(Duration.ofSeconds(30)).get();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        // JMH offers events far faster than any editor; say how many of them took the drop path
        dev.warmup.server.metrics.ModelWarmupMetrics m =
                injector.getInstance(dev.warmup.server.metrics.ModelWarmupMetrics.class);
        long recorded = 0;
        for (dev.warmup.server.usage.EventKind k : dev.warmup.server.usage.EventKind.values()) {
            recorded += m.eventsRecorded(k);
        }
        System.err.printf("events accepted %d, dropped (queue full) %d%n", recorded, m.eventsDropped());
        injector.getInstance(EventPipeline.class).close();
        injector.getInstance(UsageStore.class).close();
    }

    @Benchmark
    public void didChange() {
        documents.didChange(change);
    }

    @Benchmark
    public Object completion() throws Exception {
        return documents.completion(completion).get();
    }
}
