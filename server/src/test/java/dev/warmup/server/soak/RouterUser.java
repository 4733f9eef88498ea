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
 * router loads a model that is not loaded), and what a person checking it sees ({@code GET /models}).
 */
final class RouterUser {
    /** One request's answer: how long it took, and whether the model was loaded when it was sent. */
    /** {@code error}: for a status other than 200, the start of the router's answer; null otherwise. */
    record Answer(int status, long latencyMs, boolean wasLoaded, String error) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RealLlamaServer router;

    RouterUser(RealLlamaServer router) {
        this.router = router;
    }

    Answer ask(String model) throws IOException, InterruptedException {
        boolean loaded = "loaded".equals(states().get(model));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(router.url() + "/v1/completions"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + model + "\", \"prompt\": \"x\","
                        + " \"max_tokens\": 1}")).build(), HttpResponse.BodyHandlers.ofString());
        String error = r.statusCode() == 200 ? null : r.body().substring(0, Math.min(300, r.body().length()));
        return new Answer(r.statusCode(), (System.nanoTime() - t0) / 1_000_000, loaded, error);
    }

    /** Each model's {@code status.value} as the router lists it ({@link RealLlamaServer#states}). */
    Map<String, String> states() throws IOException, InterruptedException {
        return router.states(null);
    }
}
