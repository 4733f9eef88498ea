package dev.warmup.intellij.core;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The {@code client} backend inside the IDE: turns the server's {@code warmup/load} and {@code warmup/unload} into
 * calls of whatever loads models in this IDE (a {@link Loader} another plugin registers), answering each with
 * {@code warmup/modelState}: loading, then ready or failed; unloaded, or ready when the loader fails the unload (the
 * model holds its memory still). Without a loader a load fails at once; when one
 * registers, the server hears {@code warmup/loaderReady} and tries what failed at once, not at its back-off's end,
 * after hearing, as {@code ready}, what that loader holds for this project from the server before (a restarted one).
 */
public final class ClientBackendHandler {
    /** Loads and unloads models for the IDE's AI features. */
    public interface Loader {
        /**
         * Completes with the memory the model holds in MB (or -1) when it is ready; at once for one already loaded (a
         * server started again may ask for one the loader holds before it has heard so).
         */
        CompletableFuture<Long> load(String model);

        CompletableFuture<Void> unload(String model);

        /**
         * Unloads it, told why the server no longer keeps it (not expected soon enough, no room within the budget,
         * the machine short of memory); a loader that does not care need not override this.
         */
        default CompletableFuture<Void> unload(String model, String reason) {
            return unload(model);
        }
    }

    private final Consumer<JsonObject> sendModelState;
    private final Runnable sendLoaderReady;
    private final LongSupplier clock;
    private final LoadedModels held;
    private volatile Loader loader;

    /** {@code held}: the project's, shared by the handlers of its successive servers. */
    public ClientBackendHandler(Consumer<JsonObject> sendModelState, Runnable sendLoaderReady, LongSupplier clock,
                                LoadedModels held) {
        this.sendModelState = sendModelState;
        this.sendLoaderReady = sendLoaderReady;
        this.clock = clock;
        this.held = held;
    }

    /**
     * {@code l} loads models from now on ({@code null}: none does); the server hears what {@code l} holds for this
     * project, as {@code ready}, and that loads can go to it.
     */
    public void register(Loader l) {
        this.loader = l;
        Map<String, Long> holds = held.heldBy(l);
        if (l != null) {
            holds.forEach((model, mb) -> send(model, "ready", null, mb, null));
            sendLoaderReady.run();
        }
    }

    public CompletableFuture<Void> onLoad(JsonObject params) {
        String model = params.get("model").getAsString();
        Loader l = loader;
        if (l == null) {
            send(model, "failed", null, null, "no loader is registered in this IDE");
            return CompletableFuture.completedFuture(null);
        }
        long started = clock.getAsLong();
        send(model, "loading", null, null, null);
        return called(() -> l.load(model)).handle((mem, e) -> {
            if (e == null) {
                Long mb = mem != null && mem > 0 ? mem : null;
                held.loaded(l, model, mb);
                send(model, "ready", clock.getAsLong() - started, mb, null);
            } else {
                send(model, "failed", null, null, String.valueOf(e.getCause() != null ? e.getCause().getMessage()
                        : e.getMessage()));
            }
            return null;
        });
    }

    public CompletableFuture<Void> onUnload(JsonObject params) {
        String model = params.get("model").getAsString();
        String reason = params.has("reason") && params.get("reason").isJsonPrimitive()
                ? params.get("reason").getAsString() : null;
        Loader l = loader;
        CompletableFuture<Void> done = l == null ? CompletableFuture.completedFuture(null)
                : called(() -> l.unload(model, reason));
        return done.handle((x, e) -> {
            if (e == null) {
                held.unloaded(l, model);
                send(model, "unloaded", null, null, null);
            } else { // it is loaded still, and holds its memory: the server decides again
                send(model, "ready", null, held.memoryOf(model), null);
            }
            return null;
        });
    }

    /** What a loader's call returns, or a failed future for one that throws rather than failing its future. */
    private static <T> CompletableFuture<T> called(java.util.function.Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void send(String model, String state, Long loadMs, Long memoryMb, String error) {
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        o.addProperty("state", state);
        if (loadMs != null) {
            o.addProperty("loadMs", loadMs);
        }
        if (memoryMb != null) {
            o.addProperty("memoryMb", memoryMb);
        }
        if (error != null) {
            o.addProperty("error", error);
        }
        sendModelState.accept(o);
    }
}
