package dev.warmup.server.lsp;

import com.google.gson.JsonElement;
import dev.warmup.protocol.LoadParams;
import dev.warmup.protocol.UnloadParams;
import dev.warmup.protocol.WarmupStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;

/** A client that records everything the server sent, with waits on events (no sleeping). */
public final class MockClient implements WarmupLanguageClient {
    public final List<MessageParams> shown = new CopyOnWriteArrayList<>();
    public final List<MessageParams> logged = new CopyOnWriteArrayList<>();
    public final List<WarmupStatus> statuses = new CopyOnWriteArrayList<>();
    public final List<LoadParams> loads = new CopyOnWriteArrayList<>();
    public final List<UnloadParams> unloads = new CopyOnWriteArrayList<>();
    public volatile JsonElement configurationAnswer;
    /** When set, how the next {@code workspace/configuration} pulls fail instead of being answered. */
    public volatile Throwable configurationFailure;
    private final List<Runnable> waiters = new CopyOnWriteArrayList<>();

    private void changed() {
        waiters.forEach(Runnable::run);
    }

    /** Waits until {@code condition} holds over {@code list}, or fails after {@code timeout}. */
    public <T> List<T> await(List<T> list, Predicate<List<T>> condition, Duration timeout) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable check = () -> {
            if (condition.test(new ArrayList<>(list))) {
                done.complete(null);
            }
        };
        waiters.add(check);
        try {
            check.run();
            done.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return new ArrayList<>(list);
        } catch (Exception e) {
            throw new AssertionError("timed out waiting; have " + list, e);
        } finally {
            waiters.remove(check);
        }
    }

    @Override public void telemetryEvent(Object object) {}
    @Override public void publishDiagnostics(PublishDiagnosticsParams diagnostics) {}
    @Override public void showMessage(MessageParams m) { shown.add(m); changed(); }
    @Override public void logMessage(MessageParams m) { logged.add(m); changed(); }
    @Override public void statusChanged(WarmupStatus s) { statuses.add(s); changed(); }
    @Override public void load(LoadParams p) { loads.add(p); changed(); }
    @Override public void unload(UnloadParams p) { unloads.add(p); changed(); }

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams requestParams) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<Object>> configuration(ConfigurationParams params) {
        Throwable failure = configurationFailure;
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        List<Object> out = new ArrayList<>();
        out.add(configurationAnswer);
        return CompletableFuture.completedFuture(out);
    }
}
