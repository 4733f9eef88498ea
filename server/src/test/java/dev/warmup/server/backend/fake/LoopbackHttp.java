package dev.warmup.server.backend.fake;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executors;

/** Where the fake model servers listen: a real HTTP server on a free loopback port, one thread per request. */
final class LoopbackHttp {
    private LoopbackHttp() {}

    /** Started, with a handler per context path. */
    static HttpServer start(Map<String, HttpHandler> contexts) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        contexts.forEach(server::createContext);
        server.start();
        return server;
    }
}
