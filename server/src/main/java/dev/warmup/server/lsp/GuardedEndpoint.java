package dev.warmup.server.lsp;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.OncePerName;
import dev.warmup.server.errors.WarmupException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.lsp4j.jsonrpc.Endpoint;

/**
 * The server's handlers as {@link ProtocolGuard} calls them, with LSP's lifecycle for requests (none but
 * {@code initialize} before it, WMP-8008; {@code initialize} once, WMP-8017; none after {@code shutdown}, WMP-8009;
 * notifications are taken either way, so no reported use is lost) and a WMP code for methods the server does not
 * serve (WMP-8012): a request for one is answered MethodNotFound; a notification for one is ignored, as JSON-RPC
 * says, and named once in the log. Methods of LSP the server leaves to LSP4J's defaults (which throw, as
 * {@code workspace/didChangeWorkspaceFolders} does) count as not served, not as internal errors. Any other unexpected
 * failure of a notification's handler is logged as WMP-8007 with its method.
 */
final class GuardedEndpoint implements Endpoint {
    private static final Logger LOG = Logger.getLogger(GuardedEndpoint.class.getName());
    private static final String LSP4J_DEFAULTS = "org.eclipse.lsp4j.services.";
    private final Endpoint local;
    private final Predicate<String> served;
    private final BooleanSupplier initialized;
    private final BooleanSupplier shutDown;
    private final OncePerName namedUnserved = new OncePerName();

    GuardedEndpoint(Endpoint local, Predicate<String> served, BooleanSupplier initialized, BooleanSupplier shutDown) {
        this.local = local;
        this.served = served;
        this.initialized = initialized;
        this.shutDown = shutDown;
    }

    @Override
    public CompletableFuture<?> request(String method, Object parameter) {
        String name = WarmupException.quote(method); // a client's string, for the log
        if (!initialized.getAsBoolean() && !"initialize".equals(method)) {
            return failed(ErrorCode.WMP_8008, name + " before initialize");
        }
        if (initialized.getAsBoolean() && "initialize".equals(method)) { // its settings and capabilities stand
            return failed(ErrorCode.WMP_8017, "initialize again; LSP sends it once");
        }
        if (shutDown.getAsBoolean()) {
            return failed(ErrorCode.WMP_8009, name + " after shutdown");
        }
        if (!served.test(method) && !optional(method)) {
            return failed(ErrorCode.WMP_8012, name + " is not served");
        }
        try {
            return local.request(method, parameter);
        } catch (UnsupportedOperationException e) {
            if (!lsp4jDefault(e)) {
                throw e;
            }
            return failed(ErrorCode.WMP_8012, name + " is not served");
        }
    }

    @Override
    public void notify(String method, Object parameter) {
        if (!served.test(method)) {
            if (!optional(method)) {
                nameUnserved(method);
            }
            return;
        }
        try {
            local.notify(method, parameter);
        } catch (WarmupException e) {
            LOG.warning(e.getMessage());
        } catch (UnsupportedOperationException e) {
            if (!lsp4jDefault(e)) {
                unexpected(method, e);
            } else {
                nameUnserved(method);
            }
        } catch (RuntimeException e) {
            unexpected(method, e);
        }
    }

    /** LSP's {@code $/} methods may be ignored without a word (LSP4J answers such requests with null). */
    private static boolean optional(String method) {
        return method != null && method.startsWith("$/");
    }

    /** Whether the failure is one of LSP4J's default methods saying the server does not implement it. */
    private static boolean lsp4jDefault(UnsupportedOperationException e) {
        StackTraceElement[] at = e.getStackTrace();
        return at.length > 0 && at[0].getClassName().startsWith(LSP4J_DEFAULTS);
    }

    private void nameUnserved(String method) {
        if (namedUnserved.first(method)) {
            LOG.warning(new WarmupException(ErrorCode.WMP_8012, WarmupException.quote(method)
                    + " is not served; the notification is ignored (said once per method)").getMessage());
        }
    }

    private static void unexpected(String method, RuntimeException e) {
        LOG.log(Level.WARNING, new WarmupException(ErrorCode.WMP_8007, method + " failed: " + e).getMessage(), e);
    }

    private static CompletableFuture<?> failed(ErrorCode code, String detail) {
        return CompletableFuture.failedFuture(new WarmupException(code, detail).toResponseError());
    }
}
