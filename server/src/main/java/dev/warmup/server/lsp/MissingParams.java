package dev.warmup.server.lsp;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
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
 * Refuses a request or notification that comes without params where its params' type has a field LSP requires (LSP4J
 * marks them {@link NonNull}): a {@code textDocument/didOpen} or a {@code workspace/executeCommand} with none, which
 * every handler would fail on. The message becomes a {@link MessageIssueException}, which {@link ProtocolGuard}
 * answers (a request) or logs (a notification) as WMP-8003 {@code missing params}, instead of a handler failing on it
 * (WMP-8007, "please report it"). Params whose type requires nothing ({@code initialized}'s) may be left out. The
 * fields within params are the handlers' to check, leniently: LSP4J's marks are stricter than some clients (VS Code's
 * client sends {@code workspace/didChangeConfiguration} with {@code settings: null}, which LSP allows).
 */
final class MissingParams implements MessageConsumer {
    private final MessageConsumer next;
    private final Function<String, JsonRpcMethod> methods;
    private final Map<Class<?>, Boolean> requiresAField = new ConcurrentHashMap<>();

    MissingParams(MessageConsumer next, Function<String, JsonRpcMethod> methods) {
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
        if (method != null && params == null) {
            Class<?> type = paramsType(method);
            if (type != null && requiresAField.computeIfAbsent(type, MissingParams::anyRequired)) {
                throw new MessageIssueException(message, List.of(new MessageIssue("missing params",
                        ResponseErrorCode.InvalidParams.getValue())));
            }
        }
        next.consume(message);
    }

    /** The class a method's params parse as, or null (no params, or a generic type). */
    private Class<?> paramsType(String method) {
        JsonRpcMethod m = methods.apply(method);
        if (m == null || m.getParameterTypes().length != 1) {
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
}
