package dev.warmup.server.backend.fake;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executors;

/** Where the fake model servers listen: a real HTTP server on a free loopback port, one thread per request. */
public final class LoopbackHttp {
    private LoopbackHttp() {}

    /** Started, with a handler per context path. */
    public static HttpServer start(Map<String, HttpHandler> contexts) throws IOException {
        return start(contexts, 0);
    }

    /** On {@code port} of the loopback address (0: any free one). */
    static HttpServer start(Map<String, HttpHandler> contexts, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        contexts.forEach(server::createContext);
        server.start();
        return server;
    }
}
