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
 * Sample mode gives percentiles.
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

    @TearDown(Level.Trial)
    public void tearDown() {
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
