package dev.warmup.server.lsp;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;

/** Runs request work off the message thread and turns failures into JSON-RPC errors carrying their WMP code. */
final class Async {
    private static final Logger LOG = Logger.getLogger(Async.class.getName());

    private Async() {}

    static <T> CompletableFuture<T> call(Executor executor, Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(work.get());
            } catch (WarmupException e) {
                LOG.log(Level.FINE, e.getMessage(), e);
                result.completeExceptionally(e.toResponseError());
            } catch (ResponseErrorException e) {
                result.completeExceptionally(e);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "request failed", e);
                result.completeExceptionally(
                        new WarmupException(ErrorCode.WMP_8007, e.toString(), e).toResponseError());
            }
        });
        return result;
    }
}
