package dev.warmup.server.lsp;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.MessageConsumer;
import org.eclipse.lsp4j.jsonrpc.MessageProducer;
import org.eclipse.lsp4j.jsonrpc.RemoteEndpoint;
import org.eclipse.lsp4j.jsonrpc.json.ConcurrentMessageProcessor;
import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethod;
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.json.StreamMessageConsumer;
import org.eclipse.lsp4j.jsonrpc.services.ServiceEndpoints;
import org.eclipse.lsp4j.launch.LSPLauncher;

/** Connects a server to a client over a pair of streams (stdio in production, pipes in tests). */
public final class LspConnection {
    private LspConnection() {}

    /** Starts listening; the returned future completes when the input ends. */
    public static Future<Void> start(WarmupLanguageServer server, InputStream in, OutputStream out,
                                     ExecutorService executor) {
        Launcher<WarmupLanguageClient> launcher = new GuardedBuilder(server)
                .setLocalService(server)
                .setRemoteInterface(WarmupLanguageClient.class)
                .setInput(in)
                .setOutput(out)
                .setExecutorService(executor)
                .create();
        server.connect(launcher.getRemoteProxy());
        return launcher.startListening();
    }

    /**
     * LSP4J's launcher, with its endpoint wrapped in a {@link ProtocolGuard}, its parser a {@link FrameParser} and
     * its reader a {@link FrameReader} (otherwise built as LSP4J builds it).
     */
    private static final class GuardedBuilder extends LSPLauncher.Builder<WarmupLanguageClient> {
        private final WarmupLanguageServer server;
        /** The methods the server's own services declare (the parser also knows the client's, to read answers). */
        private final Map<String, JsonRpcMethod> serverMethods =
                ServiceEndpoints.getSupportedMethods(WarmupLanguageServer.class);
        private RemoteEndpoint endpoint; // as created, for the reader

        GuardedBuilder(WarmupLanguageServer server) {
            this.server = server;
        }

        @Override
        protected MessageJsonHandler createJsonHandler() {
            return new FrameParser(getSupportedMethods(), configureGson);
        }

        /** The client's messages, on their way in, pass {@link ParamsCheck}; the server's own go out as built. */
        @Override
        protected MessageConsumer wrapMessageConsumer(MessageConsumer consumer) {
            MessageConsumer wrapped = super.wrapMessageConsumer(consumer);
            return consumer instanceof ProtocolGuard guard ? new ParamsCheck(wrapped,
                    m -> guard.getJsonHandler().getJsonRpcMethod(m)) : wrapped;
        }

        /**
         * A method of LSP whose whole service the server leaves out: notebook documents (it does not offer their
         * sync; editors send a notebook's cells as text documents). LSP4J would warn of each such notification in
         * its own words; {@link GuardedEndpoint} names it once as not served.
         */
        private boolean unimplemented(String method) {
            return method.startsWith("notebookDocument/") && server.getNotebookDocumentService() == null;
        }

        @Override
        protected RemoteEndpoint createRemoteEndpoint(MessageJsonHandler jsonHandler) {
            MessageConsumer out = wrapMessageConsumer(new StreamMessageConsumer(output, jsonHandler));
            GuardedEndpoint local = new GuardedEndpoint(ServiceEndpoints.toEndpoint(localServices),
                    method -> serverMethods.containsKey(method) && !unimplemented(method),
                    server::initializeReceived, server::shutdownRequested);
            endpoint = new ProtocolGuard(out, local);
            jsonHandler.setMethodProvider(endpoint);
            endpoint.setJsonHandler(jsonHandler);
            return endpoint;
        }

        /** Reads the frames with a {@link FrameReader} instead of the reader LSP4J made. */
        @Override
        protected ConcurrentMessageProcessor createMessageProcessor(MessageProducer lsp4jReader,
                                                                    MessageConsumer consumer,
                                                                    WarmupLanguageClient client) {
            return super.createMessageProcessor(new FrameReader(input, endpoint.getJsonHandler(), endpoint), consumer, client);
        }
    }
}
