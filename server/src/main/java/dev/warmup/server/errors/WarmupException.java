package dev.warmup.server.errors;

import dev.warmup.protocol.WarmupErrorData;
import java.util.concurrent.CompletionException;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;

/** A failure with its WMP code. Its message starts with the code, so logs and clients both show it. */
public class WarmupException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public static final int MAX_QUOTED = 200;
    private final transient ErrorCode code;
    private final String detail;

    public WarmupException(ErrorCode code, String detail) {
        this(code, detail, null);
    }

    public WarmupException(ErrorCode code, String detail, Throwable cause) {
        super(code.id() + " " + code.title() + (detail == null || detail.isEmpty() ? "" : ": " + detail), cause);
        this.code = code;
        this.detail = detail;
    }

    /** What the message says after the code and its title. */
    public String detail() {
        return detail;
    }

    /**
     * A value for a message, cut at {@value #MAX_QUOTED} characters: what a client or a model server sent may be
     * anything (a document's text in a field where it does not belong, a whole error page), and messages go to the
     * log file and the editor.
     */
    public static String quote(Object value) {
        String s = String.valueOf(value);
        return s.length() <= MAX_QUOTED ? s : s.substring(0, MAX_QUOTED) + "… (" + s.length() + " characters in all)";
    }

    /** {@code t} itself, or what it wraps when it is a future's failure ({@link CompletionException}). */
    public static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** The innermost cause of {@code t} (which says most of what went wrong), or {@code t} when it has none. */
    public static Throwable innermost(Throwable t) {
        Throwable c = t;
        while (c != null && c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /** A failure with its code: {@code t} (unwrapped) when it has one, else {@code t} under {@code otherwise}. */
    public static WarmupException coded(Throwable t, ErrorCode otherwise) {
        Throwable c = unwrap(t);
        return c instanceof WarmupException w ? w : new WarmupException(otherwise, String.valueOf(c), c);
    }

    public ErrorCode code() {
        return code;
    }

    public WarmupErrorData data() {
        return new WarmupErrorData(code.id(), code.component(), code.severity().name(), code.hint());
    }

    /** The JSON-RPC form, for returning from a request handler. */
    public ResponseErrorException toResponseError() {
        return new ResponseErrorException(new ResponseError(code.category().jsonRpcCode(), getMessage(), data()));
    }
}
