package dev.warmup.server.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The backends' HTTP client is built at the first request, once, and then serves every request. */
class LazyHttpClientTest {
    @Test
    void builtAtTheFirstRequestOnceAndUsedForEvery() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/ps", exchange -> {
            byte[] body = "{\"models\": []}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            AtomicInteger builds = new AtomicInteger();
            LazyHttpClient http = new LazyHttpClient(() -> {
                builds.incrementAndGet();
                return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            });
            assertFalse(http.built(), "nothing built before a request");
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/ps");
            HttpResponse<String> first = http.sendAsync(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
            HttpResponse<String> second = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"models\": []}", first.body());
            assertEquals(200, second.statusCode());
            assertTrue(http.built());
            assertEquals(1, builds.get(), "built once");
            assertEquals(Duration.ofSeconds(5), http.connectTimeout().orElseThrow(), "the built client's settings");
        } finally {
            server.stop(0);
        }
    }
}
