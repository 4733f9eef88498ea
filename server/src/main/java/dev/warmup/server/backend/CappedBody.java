package dev.warmup.server.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A model server's answer as text (UTF-8, as JSON is), read only up to {@code limit} bytes: a longer one (the URL
 * names a server that streams, or one gone wrong) fails with {@link TooLong} and its connection is let go, instead of
 * filling the heap, as {@link HttpResponse.BodyHandlers#ofString()} would (an endless answer took a 256 MB heap in
 * 1.5 s).
 */
final class CappedBody implements HttpResponse.BodySubscriber<String> {
    /** An answer longer than the cap. */
    static final class TooLong extends IOException {
        private static final long serialVersionUID = 1L;

        TooLong(long limit) {
            super("an answer longer than " + limit / (1024 * 1024) + " MiB; the rest was not read");
        }
    }

    private final long limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<String> text = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private CappedBody(long limit) {
        this.limit = limit;
    }

    /** Reads each answer with a cap of {@code limit} bytes. */
    static HttpResponse.BodyHandler<String> handler(long limit) {
        return info -> new CappedBody(limit);
    }

    @Override
    public CompletionStage<String> getBody() {
        return text;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer b : buffers) {
            if (text.isDone()) {
                return; // past the cap: what is still on its way is dropped
            }
            if (bytes.size() + (long) b.remaining() > limit) {
                subscription.cancel();
                text.completeExceptionally(new TooLong(limit));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable t) {
        text.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        text.complete(bytes.toString(StandardCharsets.UTF_8));
    }
}
