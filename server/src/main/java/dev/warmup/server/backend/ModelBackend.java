package dev.warmup.server.backend;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A place where models are loaded: a model server (Ollama, llama.cpp, an OpenAI-compatible endpoint) or the editor
 * itself (the {@code client} backend). Every call is asynchronous and never runs on an LSP request thread; failures
 * complete the future exceptionally with a {@link dev.warmup.server.errors.WarmupException} carrying a WMP-8xxx code.
 */
public interface ModelBackend extends AutoCloseable {
    /** The name of the entry in {@code warmup.backends} ({@code client} for the editor). */
    String name();

    /** {@code ollama}, {@code llamacpp}, {@code openai}, {@code lmstudio}, {@code llamaswap} or {@code client}. */
    String type();

    /** Loads (warms) a model; completes when it is ready to answer. */
    CompletableFuture<LoadResult> load(ModelSpec model, Duration timeout);

    /**
     * Loads a model for a reason; a backend that can pass the reason on (the editor's, in {@code warmup/load}) does,
     * the others load as {@link #load(ModelSpec, Duration)}.
     */
    default CompletableFuture<LoadResult> load(ModelSpec model, Duration timeout, Intent intent) {
        return load(model, timeout);
    }

    /** Unloads a model; backends that cannot unload complete at once ({@link #canUnload()} is false). */
    CompletableFuture<Void> unload(ModelSpec model);

    /**
     * Unloads a model for a reason; a backend that can pass the reason on (the editor's, in {@code warmup/unload})
     * does, the others unload as {@link #unload(ModelSpec)}.
     */
    default CompletableFuture<Void> unload(ModelSpec model, String reason) {
        return unload(model);
    }

    /** What the model server really has loaded (including models other tools loaded), for reconciliation. */
    CompletableFuture<List<LoadedModel>> loaded();

    /**
     * One name per model, for a model server that accepts several (Ollama: {@code coder}, {@code coder:latest},
     * {@code library/coder}); the name itself for the others.
     */
    default String canonicalName(String name) {
        return name;
    }

    /** Whether a model the server lists ({@link #loaded()}) is the catalogue's {@code catalogueId}. */
    default boolean sameModel(String catalogueId, String listed) {
        return canonicalName(catalogueId).equals(canonicalName(listed));
    }

    /**
     * How long the model server keeps a model after our load of it ends, when our load says so (Ollama's
     * {@code keep_alive}); empty when the server's own configuration decides. An expiry that fits it tells a load of
     * ours the server finished after we gave up on it from another program's request.
     */
    default Optional<Duration> keepAliveAfterLoad() {
        return Optional.empty();
    }

    /**
     * Whether a call failed because the model server is not running: its connection was refused, nothing listens at
     * its address (a model server that is slow, hung or answering errors is running).
     */
    static boolean notRunning(Throwable failure) {
        return WarmupException.unwrap(failure) instanceof HttpJson.Refused;
    }

    /** Whether a call failed without being sent: the model server's circuit breaker pauses calls (WMP-8005). */
    static boolean paused(Throwable failure) {
        return WarmupException.unwrap(failure) instanceof WarmupException w && w.code() == ErrorCode.WMP_8005;
    }

    /** False for backends that have no way to unload (OpenAI-compatible servers). */
    boolean canUnload();

    /**
     * Whether a load asked for now has somewhere to go: false for the client backend until the editor has sent
     * {@code initialized} (a load then would be lost, not failed).
     */
    default boolean acceptsLoads() {
        return true;
    }

    @Override
    void close();

    /**
     * @param modelId  the model
     * @param loadMs   how long the load took, as the backend reports it or as measured; -1 when no load was timed
     *                 (the model was loaded already, or another client's load was waited for), so that no load time
     *                 is learnt from it
     * @param memoryMb memory the backend reports the model holds, or -1 when it does not say
     */
    record LoadResult(String modelId, long loadMs, long memoryMb) {}

    /**
     * @param modelId  the model
     * @param memoryMb memory it holds (-1 when unknown)
     * @param expiresAtMillis when the model server will unload it by itself (-1 when unknown or never)
     * @param newestRequest   for a model server that records each request it serves (llama-swap's activity log), a
     *                        number that grows with every request for this model, by whoever made it (0 while the
     *                        record has none); -1 when the server keeps no such record
     */
    record LoadedModel(String modelId, long memoryMb, long expiresAtMillis, long newestRequest) {
        public LoadedModel(String modelId, long memoryMb, long expiresAtMillis) {
            this(modelId, memoryMb, expiresAtMillis, -1);
        }
    }

    /**
     * Why a model is loaded.
     *
     * @param reason          the prediction's reasoning, in words
     * @param probability     chance that it is needed within the planning horizon; null if not predicted
     * @param neededInSeconds estimated time until it is needed; null if unknown
     */
    record Intent(String reason, Double probability, Double neededInSeconds) {}
}
