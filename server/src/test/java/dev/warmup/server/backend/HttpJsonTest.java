package dev.warmup.server.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.sun.net.httpserver.HttpServer;
import dev.warmup.server.MutableClock;
import dev.warmup.server.backend.fake.LoopbackHttp;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a URL that names the wrong kind of server can send: an answer without end, at full speed or a byte at a time.
 * Each call ends in WMP-8004 within its time, without reading more than the cap, and lets the connection go.
 */
class HttpJsonTest {
    private final Semaphore ended = new Semaphore(0); // a permit for each answer the server stopped sending
    private final AtomicInteger asked = new AtomicInteger();
    private HttpServer server;
    private HttpJson http;

    @BeforeEach
    void start() throws Exception {
        byte[] megabyte = new byte[1024 * 1024];
        Arrays.fill(megabyte, (byte) ' ');
        server = LoopbackHttp.start(Map.of(
                "/flood", exchange -> endless(exchange, megabyte, 0),
                "/trickle", exchange -> endless(exchange, new byte[] {'['}, 20),
                "/small", exchange -> {
                    byte[] ok = "{\"ok\": true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, ok.length);
                    exchange.getResponseBody().write(ok);
                    exchange.close();
                }));
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        http = new HttpJson(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), base,
                new CircuitBreaker(base.toString(), clock, 100, 30_000), 2, 1, Map.of());
    }

    private void endless(com.sun.net.httpserver.HttpExchange exchange, byte[] chunk, long pauseMillis) {
        asked.incrementAndGet();
        try (OutputStream out = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(200, 0);
            while (true) {
                out.write(chunk);
                out.flush();
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (Exception connectionLetGo) {
            // the client closed it: what the test waits for
        } finally {
            ended.release();
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String failure(CompletableFuture<JsonElement> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(60, TimeUnit.SECONDS));
        WarmupException w = assertInstanceOf(WarmupException.class, e.getCause());
        assertEquals(ErrorCode.WMP_8004, w.code());
        return w.getMessage();
    }

    @Test
    void anAnswerWithoutEndIsCutAtTheCapAndNotAskedAgain() throws Exception {
        String said = failure(http.get("flood", Duration.ofSeconds(30)));
        assertTrue(said.endsWith("/flood: an answer longer than 8 MiB; the rest was not read"), said);
        assertEquals(1, asked.get(), "too long is not a failure that passes: no retry");
        awaitNoneWriting();
        assertTrue(http.get("small", Duration.ofSeconds(30)).get(60, TimeUnit.SECONDS).getAsJsonObject()
                .get("ok").getAsBoolean(), "a good answer still reads");
    }

    @Test
    void anAnswerThatNeverEndsFailsAtTheCallsTimeoutThoughItsHeadersCame() throws Exception {
        http.get("small", Duration.ofSeconds(30)).get(60, TimeUnit.SECONDS); // the client's first call made first
        String said = failure(http.get("trickle", Duration.ofMillis(1500))); // its headers come at once
        assertTrue(said.endsWith("/trickle: no whole answer within 1500 ms"), said);
        assertEquals(3, asked.get(), "a timeout may pass: tried twice more");
        awaitNoneWriting();
    }

    /** The connections are let go: the server's writes fail and its handlers end. */
    private void awaitNoneWriting() throws InterruptedException {
        assertTrue(ended.tryAcquire(asked.get(), 30, TimeUnit.SECONDS), "answers still being sent to a client that"
                + " gave up");
    }
}
