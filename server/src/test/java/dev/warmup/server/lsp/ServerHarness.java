package dev.warmup.server.lsp;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.warmup.protocol.WarmupStatus;
import dev.warmup.server.MutableClock;
import dev.warmup.server.ServerModule;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventPipeline;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.jsonrpc.Launcher;

/**
 * The server in-process, connected over pipes to a {@link MockClient} through LSP4J's launcher, with a mutable
 * clock and a recorded exit. Extra Guice modules override the production wiring and these two.
 */
public final class ServerHarness implements AutoCloseable {
    public final MockClient client = new MockClient();
    /** Where {@link #clock} starts. */
    public static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
    public final MutableClock clock = new MutableClock(START);
    public final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    public final Injector injector;
    public final WarmupServerEndpoints server;
    /** The same connection untyped, for messages the typed proxy cannot send (parameters of the wrong type). */
    public final org.eclipse.lsp4j.jsonrpc.RemoteEndpoint raw;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final PipedOutputStream clientOut = new PipedOutputStream();
    private final PipedOutputStream serverOut = new PipedOutputStream();
    private final ClientLogHandler clientLog;

    public ServerHarness(Path dataDir, Module... overrides) throws IOException {
        Module test = new AbstractModule() {
            @Override
            protected void configure() {
                bind(Clock.class).toInstance(clock);
                bind(ExitHandler.class).toInstance(exitCode::complete);
            }
        };
        injector = Guice.createInjector(Modules.override(Modules.override(new ServerModule(new DataDirectory(dataDir)))
                .with(test)).with(overrides)); // an override may bind the clock again (over this one, say)
        clientLog = new ClientLogHandler(injector.getInstance(ClientNotifier.class));
        PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 20);
        PipedInputStream clientIn = new PipedInputStream(serverOut, 1 << 20);
        java.util.logging.Logger.getLogger("").addHandler(clientLog); // as Main's LogSetup: warnings reach the client
        LspConnection.start(injector.getInstance(WarmupLanguageServer.class), serverIn, serverOut, executor);
        Launcher<WarmupServerEndpoints> launcher = new Launcher.Builder<WarmupServerEndpoints>()
                .setLocalService(client)
                .setRemoteInterface(WarmupServerEndpoints.class)
                .setInput(clientIn)
                .setOutput(clientOut)
                .setExecutorService(executor)
                .create();
        server = launcher.getRemoteProxy();
        raw = launcher.getRemoteEndpoint();
        launcher.startListening();
    }

    /** Starts the prediction engine (as Main does) and waits until it has rebuilt itself from the stored history. */
    public void startPrediction() throws Exception {
        injector.getInstance(dev.warmup.server.prediction.PredictionService.class).start()
                .get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * initialize (with {@code {settings: {warmup: settings}}} when given) and initialized, and returns once the server
     * has handled initialized (a request round trip: it handles messages in order).
     */
    public InitializeResult initialize(String warmupSettingsJson) throws Exception {
        InitializeResult r = initializeOnly(warmupSettingsJson);
        server.initialized(new InitializedParams());
        server.getWarmupService().status().get(30, TimeUnit.SECONDS);
        return r;
    }

    /** initialize alone: the editor has not yet sent initialized. */
    public InitializeResult initializeOnly(String warmupSettingsJson) throws Exception {
        InitializeParams p = new InitializeParams();
        p.setCapabilities(new ClientCapabilities());
        if (warmupSettingsJson != null) {
            JsonObject init = new JsonObject();
            JsonObject settings = new JsonObject();
            settings.add("warmup", JsonParser.parseString(warmupSettingsJson));
            init.add("settings", settings);
            p.setInitializationOptions(init);
        }
        return server.initialize(p).get(30, TimeUnit.SECONDS);
    }

    /** The editor's settings change to {@code warmupSettingsJson} (the {@code warmup} section); handled on return. */
    public void changeSettings(String warmupSettingsJson) throws Exception {
        JsonObject section = new JsonObject();
        section.add("warmup", JsonParser.parseString(warmupSettingsJson));
        server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(section));
        flush();
    }

    /**
     * Waits until every message sent so far is handled and its events stored: a request round trip first (the
     * server handles messages in order), then the pipeline's flush.
     */
    public void flush() throws Exception {
        server.getWarmupService().status().get(30, TimeUnit.SECONDS);
        injector.getInstance(EventPipeline.class).flush(Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
    }

    /** The server's answer to {@code warmup/status} now. */
    public WarmupStatus status() throws Exception {
        return server.getWarmupService().status().get(10, TimeUnit.SECONDS);
    }

    public Object command(String name, Object... args) throws Exception {
        return server.getWorkspaceService()
                .executeCommand(new org.eclipse.lsp4j.ExecuteCommandParams(name, List.of(args)))
                .get(30, TimeUnit.SECONDS);
    }

    /** The settings in force, as {@code warmup.config} answers them. */
    public JsonObject config() throws Exception {
        return commandJson("warmup.config");
    }

    /** What command {@code name}, without arguments, answers, as JSON. */
    public JsonObject commandJson(String name) throws Exception {
        return new com.google.gson.Gson().toJsonTree(command(name)).getAsJsonObject();
    }

    @Override
    public void close() throws Exception {
        java.util.logging.Logger.getLogger("").removeHandler(clientLog);
        injector.getInstance(dev.warmup.server.scheduler.WarmupScheduler.class).close();
        injector.getInstance(dev.warmup.server.prediction.PredictionService.class).close();
        injector.getInstance(EventPipeline.class).close();
        injector.getInstance(UsageStore.class).close();
        clientOut.close();
        serverOut.close();
        executor.shutdownNow();
    }
}
