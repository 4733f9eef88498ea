package dev.warmup.server.backend.fake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** What a test server counts by key (requests of a kind for a model), and futures that wait for a count. */
final class Tally {
    private final Map<String, Integer> counts = new HashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(String key, int n, CompletableFuture<Integer> done) {}

    /** One more of {@code key}. */
    synchronized void add(String key) {
        int n = counts.merge(key, 1, Integer::sum);
        waiters.removeIf(w -> w.key().equals(key) && n >= w.n() && w.done().complete(n));
    }

    /** Completes with the count once {@code key} has been counted {@code n} times (at once if it has). */
    synchronized CompletableFuture<Integer> atLeast(String key, int n) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        int have = counts.getOrDefault(key, 0);
        if (have >= n) {
            f.complete(have);
        } else {
            waiters.add(new Waiter(key, n, f));
        }
        return f;
    }
}
