package dev.warmup.server.lsp;

import com.google.gson.JsonElement;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.OncePerName;
import dev.warmup.server.errors.WarmupException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.lsp4j.jsonrpc.MessageConsumer;
import org.eclipse.lsp4j.jsonrpc.MessageIssueException;
import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethod;
import org.eclipse.lsp4j.jsonrpc.messages.Message;
import org.eclipse.lsp4j.jsonrpc.messages.MessageIssue;
import org.eclipse.lsp4j.jsonrpc.messages.NotificationMessage;
import org.eclipse.lsp4j.jsonrpc.messages.RequestMessage;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.jsonrpc.validation.NonNull;

/**
 * Checks a client's request or notification against the params its method declares, before a handler sees it.
 * <ul>
 * <li>Params left out where their type has a field LSP requires (LSP4J marks them {@link NonNull}): a
 * {@code textDocument/didOpen} or a {@code workspace/executeCommand} with none, which every handler would fail on,
 * become a {@link MessageIssueException}, which {@link ProtocolGuard} answers (a request) or logs (a notification) as
 * WMP-8003 {@code missing params}, instead of a handler failing on it (WMP-8007, "please report it"). Params whose
 * type requires nothing ({@code initialized}'s) may be left out. The fields within params are the handlers' to check,
 * leniently: LSP4J's marks are stricter than some clients (VS Code's client sends
 * {@code workspace/didChangeConfiguration} with {@code settings: null}, which LSP allows).</li>
 * <li>Params given to a method that takes none ({@code warmup/status} with {@code {"verbose": true}}) are dropped,
 * with a WMP-8003 warning once per method, instead of LSP4J's own warning, which names a Java signature, every time.
 * {@code {}}, {@code []} and null are no params.</li>
 * </ul>
 */
final class ParamsCheck implements MessageConsumer {
    private static final Logger LOG = Logger.getLogger(ParamsCheck.class.getName());
    private final MessageConsumer next;
    private final Function<String, JsonRpcMethod> methods;
    private final Map<Class<?>, Boolean> requiresAField = new ConcurrentHashMap<>();
    private final OncePerName namedUnexpected = new OncePerName();

    ParamsCheck(MessageConsumer next, Function<String, JsonRpcMethod> methods) {
        this.next = next;
        this.methods = methods;
    }

    @Override
    public void consume(Message message) {
        String method = null;
        Object params = null;
        if (message instanceof RequestMessage r) {
            method = r.getMethod();
            params = r.getParams();
        } else if (message instanceof NotificationMessage n) {
            method = n.getMethod();
            params = n.getParams();
        }
        JsonRpcMethod declared = method == null ? null : methods.apply(method);
        if (declared != null && params == null) {
            Class<?> type = paramsType(declared);
            if (type != null && requiresAField.computeIfAbsent(type, ParamsCheck::anyRequired)) {
                throw new MessageIssueException(message, List.of(new MessageIssue("missing params",
                        ResponseErrorCode.InvalidParams.getValue())));
            }
        } else if (declared != null && declared.getParameterTypes().length == 0 && !none(params)) {
            if (namedUnexpected.first(method)) {
                LOG.warning(new WarmupException(ErrorCode.WMP_8003, method + " takes no params; "
                        + WarmupException.quote(params) + " ignored (said once per method)").getMessage());
            }
            if (message instanceof RequestMessage r) {
                r.setParams(null);
            } else {
                ((NotificationMessage) message).setParams(null);
            }
        }
        next.consume(message);
    }

    /** The class a method's params parse as, or null (no params, or a generic type). */
    private static Class<?> paramsType(JsonRpcMethod m) {
        if (m.getParameterTypes().length != 1) {
            return null;
        }
        Type t = m.getParameterTypes()[0];
        return t instanceof Class<?> c ? c : null;
    }

    private static boolean anyRequired(Class<?> type) {
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() == 0 && m.getAnnotation(NonNull.class) != null) {
                return true;
            }
        }
        return false;
    }

    /** Whether params given to a method that takes none say nothing: null, {@code {}} or {@code []}. */
    private static boolean none(Object params) {
        return params == null || params instanceof JsonElement j && (j.isJsonNull()
                || j.isJsonObject() && j.getAsJsonObject().size() == 0 || j.isJsonArray() && j.getAsJsonArray().isEmpty());
    }
}
