package dev.warmup.server;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.lsp.ClientNotifier;
import dev.warmup.server.lsp.LspConnection;
import dev.warmup.server.lsp.WarmupLanguageServer;
import dev.warmup.server.prediction.PredictionService;
import dev.warmup.server.store.DataDirectory;
import dev.warmup.server.store.NativeLibraries;
import dev.warmup.server.store.StoreMaintenance;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventPipeline;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar warmup-server.jar}: the language server over stdio, plus tool subcommands. */
@Command(name = "warmup-server", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Predicts which AI model the developer needs next and warms it. Speaks LSP over stdio.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where usage history, metrics and models are kept (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDirectory.defaultPath().orElse(null); // null: no home to keep it in

    @Option(names = "--log-file", paramLabel = "FILE", description = "Also log to this file.")
    Path logFile;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Option(names = "--stdio", description = "Speak LSP over stdio: the only transport, so this changes nothing; "
            + "accepted because language clients pass it (vscode-languageclient does for its stdio transport).")
    boolean stdio;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        Subcommands.register(cli);
        System.exit(cli.execute(args));
    }

    /** The data directory to use, and why it is a temporary one (WMP-7007), or null. */
    private record Opened(DataDirectory dir, String unusable) {}

    /**
     * The data directory given, or the default one; a temporary one, removed at exit, when there is none (no home
     * directory) or it cannot be used: an editor would only see the server die, again at each restart.
     */
    private Opened openDataDirectory() {
        String why;
        if (dataDir == null) {
            why = "no home directory to keep the history in (user.home is '" + System.getProperty("user.home")
                    + "', $HOME and $XDG_DATA_HOME unset or relative); pass --data-dir DIR";
        } else {
            try {
                return new Opened(new DataDirectory(dataDir), null);
            } catch (UncheckedIOException e) {
                why = e.getMessage() + " (" + e.getCause().getClass().getSimpleName() + ")";
            }
        }
        DataDirectory temporary = DataDirectory.temporary();
        return new Opened(temporary, new WarmupException(ErrorCode.WMP_7007, why + "; this session records into "
                + temporary.root() + ", removed at exit").getMessage());
    }

    @Override
    public Integer call() throws Exception {
        OutputStream protocolOut = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out));
        System.setOut(System.err); // stray prints must never corrupt the protocol stream
        Opened opened = openDataDirectory();
        DataDirectory dir = opened.dir();
        String unusable = opened.unusable();
        NativeLibraries.unpackInto(dir);
        if (System.getProperty("guice_bytecode_gen_option") == null) { // read at Guice's first use, just below
            // no classes generated (no interceptors here to need them): Guice's generator calls sun.misc.Unsafe,
            // which Java 24 on warns of on stderr and a later Java removes
            System.setProperty("guice_bytecode_gen_option", "DISABLED");
        }
        Injector injector = Guice.createInjector(new ServerModule(dir));
        LogSetup.configure(LogSetup.parseLevel(logLevel), logFile, injector.getInstance(ClientNotifier.class));
        if (unusable != null) {
            LOG.warning(unusable); // reaches the editor once it has initialized
        }
        DataDirectory data = dir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            injector.getInstance(PredictionService.class).close(); // its thread reads the store and writes a file
            injector.getInstance(EventPipeline.class).close();
            injector.getInstance(UsageStore.class).close();
            data.removeIfTemporary();
        }, "warmup-shutdown"));
        injector.getInstance(StoreMaintenance.class).start();
        PredictionService prediction = injector.getInstance(PredictionService.class);
        ClientNotifier notifier = injector.getInstance(ClientNotifier.class);
        prediction.onWarning(m -> notifier.logMessage(org.eclipse.lsp4j.MessageType.Warning, m));
        prediction.start();
        injector.getInstance(dev.warmup.server.resources.ResourceManager.class).start(5);
        injector.getInstance(dev.warmup.server.scheduler.WarmupScheduler.class).start(30);
        LOG.info("warmup-server " + Version.get() + " starting; data directory " + dir.root());
        ExecutorService messages = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "warmup-jsonrpc");
            t.setDaemon(true);
            return t;
        });
        WarmupLanguageServer server = injector.getInstance(WarmupLanguageServer.class);
        LspConnection.start(server, System.in, protocolOut, messages).get();
        LOG.info("input closed; exiting");
        return 0;
    }

    /** Prints the build's version. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"warmup-server " + Version.get()};
        }
    }
}
