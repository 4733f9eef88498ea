package dev.warmup.server.errors;

/** The kinds of failure, each mapped onto one JSON-RPC error code. */
public enum ErrorCategory {
    CONFIGURATION(-32602),
    INVALID_INPUT(-32602),
    PREDICTION(-32001),
    RESOURCE_ALLOCATION(-32002),
    TIMEOUT(-32003),
    RESOURCE_EXHAUSTED(-32004),
    INTERNAL(-32603),
    /** LSP's ServerNotInitialized: a request before {@code initialize}. */
    NOT_INITIALIZED(-32002),
    /** JSON-RPC's InvalidRequest, which LSP asks for after {@code shutdown}. */
    INVALID_REQUEST(-32600),
    /** JSON-RPC's ParseError: a frame that is not one JSON-RPC message. */
    PARSE_ERROR(-32700),
    /** JSON-RPC's MethodNotFound. */
    METHOD_NOT_FOUND(-32601);

    private final int jsonRpcCode;

    ErrorCategory(int jsonRpcCode) {
        this.jsonRpcCode = jsonRpcCode;
    }

    public int jsonRpcCode() {
        return jsonRpcCode;
    }
}
