package dev.warmup.server.backend;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * JSON over HTTP to one model server, asynchronous, through its {@link CircuitBreaker}: a timeout per call, within
 * which the whole answer must come (not only its headers), an answer read up to {@value #MAX_ANSWER} bytes
 * ({@link CappedBody}), up to {@code retries} retries with doubling backoff for what may pass (connection refused,
 * timeouts, HTTP 5xx; never 4xx or an answer too long), and every failure as a WarmupException (WMP-8004; WMP-8005
 * while the circuit is open). A 4xx answer fails its call but counts as an answer for the breaker: the server is up.
 */
final class HttpJson {
    /** The longest answer read: far above any model list or status these servers give. */
    static final long MAX_ANSWER = 8L * 1024 * 1024;
    private final HttpClient client;
    private final URI base;
    private final CircuitBreaker breaker;
    private final int retries;
    private final long backoffMillis;
    private final Map<String, String> headers;

    HttpJson(HttpClient client, URI base, CircuitBreaker breaker, int retries, long backoffMillis,
             Map<String, String> headers) {
        this.client = client;
        this.base = base;
        this.breaker = breaker;
        this.retries = retries;
        this.backoffMillis = backoffMillis;
        this.headers = headers;
    }

    /**
     * The client for a backend of the settings: its URL, a circuit breaker of its own (three failures in a row open
     * it for 30 s), two retries from 250 ms, and a bearer token when the backend names the environment variable that
     * holds one ({@code apiKeyEnv}; never the token itself).
     */
    static HttpJson forBackend(BackendSpec spec, HttpClient client, Clock clock, Map<String, String> env) {
        String key = spec.apiKeyEnv() == null ? null : env.get(spec.apiKeyEnv());
        return new HttpJson(client, URI.create(spec.url().endsWith("/") ? spec.url() : spec.url() + "/"),
                new CircuitBreaker(spec.url(), clock, 3, 30_000), 2, 250,
                key == null ? Map.of() : Map.of("Authorization", "Bearer " + key));
    }

    CompletableFuture<JsonElement> get(String path, Duration timeout) {
        return call("GET", path, null, timeout, 0);
    }

    CompletableFuture<JsonElement> post(String path, JsonElement body, Duration timeout) {
        return call("POST", path, body, timeout, 0);
    }

    /**
     * GET {@code path}, its answer read by {@code read}; an answer it cannot read (a field missing or of another type,
     * a list where an object belongs) is WMP-8004 naming the request and quoting the answer, not the reader's own
     * exception.
     */
    <T> CompletableFuture<T> get(String path, Duration timeout, Function<JsonElement, T> read) {
        return get(path, timeout).thenApply(r -> read("GET", path, r, read));
    }

    /** POST {@code body} to {@code path}, its answer read as by {@link #get(String, Duration, Function)}. */
    <T> CompletableFuture<T> post(String path, JsonElement body, Duration timeout, Function<JsonElement, T> read) {
        return post(path, body, timeout).thenApply(r -> read("POST", path, r, read));
    }

    private <T> T read(String method, String path, JsonElement answer, Function<JsonElement, T> read) {
        try {
            return read.apply(answer);
        } catch (WarmupException e) {
            throw e;
        } catch (RuntimeException e) { // the model server's answer, not our reading of a good one, is at fault
            throw new WarmupException(ErrorCode.WMP_8004, method + " " + base.resolve(path) + ": unexpected answer "
                    + WarmupException.quote(answer) + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    private CompletableFuture<JsonElement> call(String method, String path, JsonElement body, Duration timeout,
                                                int attempt) {
        try {
            breaker.acquire();
        } catch (WarmupException e) {
            return CompletableFuture.failedFuture(e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json");
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString()));
        CompletableFuture<HttpResponse<String>> sent = client.sendAsync(b.build(), CappedBody.handler(MAX_ANSWER));
        // the request's timeout ends at the answer's headers; its body must come whole within the same time
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> sent.cancel(true));
        return sent.handle((r, error) -> {
            if (error == null && r.statusCode() / 100 == 2) {
                breaker.success();
                try {
                    return CompletableFuture.completedFuture(r.body().isBlank() ? (JsonElement) null
                            : JsonParser.parseString(r.body()));
                } catch (RuntimeException e) {
                    return CompletableFuture.<JsonElement>failedFuture(new WarmupException(ErrorCode.WMP_8004,
                            method + " " + base.resolve(path) + ": answered " + WarmupException.quote(r.body())
                                    + ", not JSON"));
                }
            }
            String what = error != null ? describe(error, timeout)
                    : "HTTP " + r.statusCode() + " " + WarmupException.quote(r.body());
            if (error == null && r.statusCode() < 500) {
                breaker.success(); // it answered: the request was refused, the server is up (no reason to pause it)
            } else {
                breaker.failure(what);
            }
            boolean transient_ = error != null && !(WarmupException.unwrap(error) instanceof CappedBody.TooLong)
                    || error == null && r.statusCode() >= 500;
            if (transient_ && attempt < retries) {
                Executor later = CompletableFuture.delayedExecutor(backoffMillis << attempt, TimeUnit.MILLISECONDS);
                return CompletableFuture.supplyAsync(() -> null, later)
                        .thenCompose(x -> call(method, path, body, timeout, attempt + 1));
            }
            String said = method + " " + base.resolve(path) + ": " + what;
            return CompletableFuture.<JsonElement>failedFuture(error == null ? new Answered(r.statusCode(), said)
                    : WarmupException.unwrap(error) instanceof ConnectException ? new Refused(said)
                    : new WarmupException(ErrorCode.WMP_8004, said));
        }).thenCompose(f -> f);
    }

    /** Whether {@code t} (a future's failure or not) is the model server's answer with HTTP {@code status}. */
    static boolean answered(Throwable t, int status) {
        return status(t) == status;
    }

    /** {@link #answered(Throwable, int)}, with an answer that says {@code saying}. */
    static boolean answered(Throwable t, int status, String saying) {
        return answered(t, status) && WarmupException.unwrap(t).getMessage().contains(saying);
    }

    /** The HTTP status of the model server's answer when {@code t} is one that was not a success, else 0. */
    static int status(Throwable t) {
        return WarmupException.unwrap(t) instanceof Answered a ? a.status : 0;
    }

    /**
     * {@code first}'s result; when it fails in a way {@code when} accepts, {@code second}'s, a second way tried then,
     * and when that fails too, one WMP-8004 that says why each did. Any other failure of {@code first} stands.
     */
    static <T> CompletableFuture<T> orElse(CompletableFuture<T> first, Predicate<Throwable> when,
                                           Supplier<CompletableFuture<T>> second) {
        return first.exceptionallyCompose(failed -> !when.test(failed)
                ? CompletableFuture.failedFuture(WarmupException.unwrap(failed))
                : second.get().exceptionallyCompose(e -> CompletableFuture.failedFuture(new WarmupException(
                        ErrorCode.WMP_8004, WarmupException.coded(failed, ErrorCode.WMP_8004).detail() + "; then "
                                + WarmupException.coded(e, ErrorCode.WMP_8004).detail()))));
    }

    /** A call the model server answered with a status other than 2xx (WMP-8004, the status and the body in words). */
    static final class Answered extends WarmupException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Answered(int status, String detail) {
            super(ErrorCode.WMP_8004, detail);
            this.status = status;
        }
    }

    /** A call whose connection was refused (WMP-8004): nothing listens at the model server's address. */
    static final class Refused extends WarmupException {
        private static final long serialVersionUID = 1L;

        Refused(String detail) {
            super(ErrorCode.WMP_8004, detail);
        }
    }

    private static String describe(Throwable t, Duration timeout) {
        Throwable c = WarmupException.unwrap(t);
        if (c instanceof HttpTimeoutException) {
            return "timed out";
        }
        if (c instanceof CancellationException) { // by the deadline above: headers came, the whole answer did not
            return "no whole answer within " + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s"
                    : timeout.toMillis() + " ms");
        }
        if (c instanceof ConnectException) {
            return "connection refused";
        }
        if (c instanceof CappedBody.TooLong) {
            return c.getMessage();
        }
        return c.toString();
    }

}
