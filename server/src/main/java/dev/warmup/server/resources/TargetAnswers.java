package dev.warmup.server.resources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The answers found to "which process is the model server behind this key" (a forwarder and a port, or a port a NAT
 * rule publishes): one found stands while its process runs; none found, for {@link PublishedPort#LOOK_AGAIN_NANOS}.
 * Not thread-safe.
 *
 * @param <K> what an answer is about
 */
final class TargetAnswers<K> {
    private record Found(Optional<PublishedPort.Target> target, long atNanos) {}

    private final Path root;
    private final LongSupplier nanoTime;
    private final Map<K, Found> found = new HashMap<>();

    /**
     * @param root     the file system's root: "/" but in tests
     * @param nanoTime the monotonic clock "none found" ages on
     */
    TargetAnswers(Path root, LongSupplier nanoTime) {
        this.root = root;
        this.nanoTime = nanoTime;
    }

    /** The answer about {@code key}: the one standing, or what {@code look} finds now. */
    Optional<PublishedPort.Target> get(K key, Supplier<Optional<PublishedPort.Target>> look) {
        long now = nanoTime.getAsLong();
        Found last = found.get(key);
        if (last != null && (last.target().isPresent()
                ? Files.isDirectory(root.resolve("proc/" + last.target().get().pid()))
                : now - last.atNanos() < PublishedPort.LOOK_AGAIN_NANOS)) {
            return last.target();
        }
        Optional<PublishedPort.Target> target = look.get();
        found.put(key, new Found(target, now));
        return target;
    }

    /** Forgets every answer: the next call looks again. */
    void forget() {
        found.clear();
    }

    /** Forgets the answers about keys {@code keep} refuses. */
    void retain(Predicate<K> keep) {
        found.keySet().removeIf(keep.negate());
    }
}
