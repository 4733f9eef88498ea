package dev.warmup.server.errors;

import dev.warmup.protocol.WarmupErrorData;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;

/** A failure with its WMP code. Its message starts with the code, so logs and clients both show it. */
public class WarmupException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ErrorCode code;

    public WarmupException(ErrorCode code, String detail) {
        this(code, detail, null);
    }

    public WarmupException(ErrorCode code, String detail, Throwable cause) {
        super(code.id() + " " + code.title() + (detail == null || detail.isEmpty() ? "" : ": " + detail), cause);
        this.code = code;
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
