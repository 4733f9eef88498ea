package dev.warmup.server.soak;

import dev.warmup.server.backend.real.RealLlamaServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * What an AI extension does with a llama.cpp router: asks a model for one token ({@code POST /v1/completions}; the
 * router loads a model that is not loaded), and what a person checking it sees ({@code GET /models}). A request sent
 * on a kept-alive connection just as the router closes it for idleness (cpp-httplib's 5 s) gets no answer at all;
 * the JDK's client retries only idempotent requests, so such a POST is sent once more, as AI clients do (OpenAI's
 * SDKs retry connection errors), and counted ({@code retried}).
 */
final class RouterUser {
    /**
     * One request's answer: how long it took, and whether the model was loaded when it was sent; {@code error}: for a
     * status other than 200, the start of the router's answer (null otherwise); {@code retried}: sent a second time.
     */
    record Answer(int status, long latencyMs, boolean wasLoaded, String error, boolean retried) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RealLlamaServer router;

    RouterUser(RealLlamaServer router) {
        this.router = router;
    }

    Answer ask(String model) throws IOException, InterruptedException {
        boolean loaded = "loaded".equals(states().get(model));
        long t0 = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(router.url() + "/v1/completions"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + model + "\", \"prompt\": \"x\","
                        + " \"max_tokens\": 1}")).build();
        HttpResponse<String> r;
        boolean retried = false;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
                throw e;
            }
            retried = true; // closed unanswered: the connection's idle end, not the router's answer
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        String error = r.statusCode() == 200 ? null : r.body().substring(0, Math.min(300, r.body().length()));
        return new Answer(r.statusCode(), (System.nanoTime() - t0) / 1_000_000, loaded, error, retried);
    }

    /** Each model's {@code status.value} as the router lists it ({@link RealLlamaServer#states}). */
    Map<String, String> states() throws IOException, InterruptedException {
        return router.states(null);
    }
}
