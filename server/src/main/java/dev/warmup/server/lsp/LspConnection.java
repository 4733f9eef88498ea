package dev.warmup.server.lsp;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;

/** Connects a server to a client over a pair of streams (stdio in production, pipes in tests). */
public final class LspConnection {
    private LspConnection() {}

    /** Starts listening; the returned future completes when the input ends. */
    public static Future<Void> start(WarmupLanguageServer server, InputStream in, OutputStream out,
                                     ExecutorService executor) {
        Launcher<WarmupLanguageClient> launcher = new LSPLauncher.Builder<WarmupLanguageClient>()
                .setLocalService(server)
                .setRemoteInterface(WarmupLanguageClient.class)
                .setInput(in)
                .setOutput(out)
                .setExecutorService(executor)
                .create();
        server.connect(launcher.getRemoteProxy());
        return launcher.startListening();
    }
}
