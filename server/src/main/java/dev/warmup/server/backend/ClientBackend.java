package dev.warmup.server.backend;

import dev.warmup.protocol.LoadParams;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.ModelState;
import dev.warmup.protocol.ModelStateParams;
import dev.warmup.protocol.UnloadParams;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.lsp.ClientNotifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The editor (or an orchestrator) loads the models: {@code warmup/load} and {@code warmup/unload} go to the client,
 * which answers with {@code warmup/modelState}; a load completes when the client reports {@code ready} (or fails on
 * {@code failed} or after the timeout).
 */
public final class ClientBackend implements ModelBackend {
    private final ClientNotifier client;
    private final Map<String, CompletableFuture<LoadResult>> pending = new ConcurrentHashMap<>();
    private final List<Runnable> onLoaderReady = new CopyOnWriteArrayList<>();

    public ClientBackend(ClientNotifier client) {
        this.client = client;
    }

    @Override public String name() { return "client"; }
    @Override public String type() { return "client"; }
    @Override public boolean canUnload() { return true; }
    @Override public boolean acceptsLoads() { return client.clientInitialized(); }

    /** Runs {@code r} once the editor has sent {@code initialized} and loads can reach it. */
    public void onAcceptingLoads(Runnable r) {
        client.onInitialized(r);
    }

    /** Runs {@code r} (on the LSP thread: it must not block) each time the client says it can load models now. */
    public void onLoaderReady(Runnable r) {
        onLoaderReady.add(r);
    }

    /** The client's {@code warmup/loaderReady}. */
    public void loaderReady() {
        onLoaderReady.forEach(Runnable::run);
    }

    @Override
    public CompletableFuture<LoadResult> load(ModelSpec model, Duration timeout) {
        return load(model, timeout, new Intent("requested", null, null));
    }

    @Override
    public CompletableFuture<LoadResult> load(ModelSpec model, Duration timeout, Intent intent) {
        CompletableFuture<LoadResult> f = new CompletableFuture<>();
        CompletableFuture<LoadResult> previous = pending.put(model.id(), f);
        if (previous != null) {
            f.whenComplete((r, e) -> {
                if (e == null) {
                    previous.complete(r);
                } else {
                    previous.completeExceptionally(e);
                }
            });
        }
        if (!client.load(new LoadParams(model.id(), intent.reason(), intent.probability(), intent.neededInSeconds()))) {
            pending.remove(model.id(), f);
            f.completeExceptionally(new WarmupException(ErrorCode.WMP_8004, "no client connected to load "
                    + model.id()));
            return f;
        }
        return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) ->
                pending.remove(model.id(), f));
    }

    /**
     * The client's {@code warmup/modelState}: returns whether it answered a load waiting here ({@code ready} or
     * {@code failed} for a model whose load was sent and has not ended), which then ends.
     */
    public boolean modelState(ModelStateParams params) {
        CompletableFuture<LoadResult> f = pending.get(params.model());
        if (f == null) {
            return false;
        }
        if (params.state() == ModelState.ready) {
            return f.complete(new LoadResult(params.model(), params.loadMs() == null ? -1 : params.loadMs(),
                    params.memoryMb() == null ? -1 : params.memoryMb()));
        } else if (params.state() == ModelState.failed) {
            return f.completeExceptionally(new WarmupException(ErrorCode.WMP_8004, "the client could not load "
                    + params.model() + ": " + params.error()));
        }
        return false;
    }

    @Override
    public CompletableFuture<Void> unload(ModelSpec model) {
        return unload(model, "not needed");
    }

    @Override
    public CompletableFuture<Void> unload(ModelSpec model, String reason) {
        client.unload(new UnloadParams(model.id(), reason));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<LoadedModel>> loaded() {
        return CompletableFuture.completedFuture(List.of()); // the client reports its state itself
    }

    @Override
    public void close() {
        pending.values().forEach(f -> f.cancel(false));
    }
}
