package dev.warmup.server.lsp;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.lsp4j.jsonrpc.MessageConsumer;
import org.eclipse.lsp4j.jsonrpc.MessageIssueException;
import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethod;
import org.eclipse.lsp4j.jsonrpc.messages.Message;
import org.eclipse.lsp4j.jsonrpc.messages.MessageIssue;
import org.eclipse.lsp4j.jsonrpc.messages.NotificationMessage;
import org.eclipse.lsp4j.jsonrpc.messages.RequestMessage;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.jsonrpc.validation.NonNull;
import org.eclipse.lsp4j.jsonrpc.validation.ReflectiveMessageValidator;

/**
 * Checks each request and notification the client sends against LSP's contract before a handler sees it: the fields
 * LSP requires (LSP4J marks them {@link NonNull}: an {@code executeCommand} without {@code command}, a change whose
 * range has no {@code end}) and the params themselves, missing where their type requires any field. A message that
 * breaks it becomes a {@link MessageIssueException}, which {@link ProtocolGuard} answers (a request) or logs (a
 * notification) as WMP-8003 with the path of what is missing, instead of a handler failing on it (WMP-8007, "please
 * report it"). Responses to the server's own requests pass unchecked (a client's {@code workspace/configuration}
 * answer may hold nulls); so do the {@code warmup/*} methods' params, which declare no required field and whose
 * handlers name what they miss.
 */
final class ContractCheck extends ReflectiveMessageValidator {
    private static final Pattern MISSING = Pattern.compile("The accessor '.*' must return a non-null value\\. "
            + "Path: \\$\\.(.*)");
    private final MessageConsumer next;
    private final Function<String, JsonRpcMethod> methods;
    private final Map<Class<?>, Boolean> requiresAField = new ConcurrentHashMap<>();

    ContractCheck(MessageConsumer next, Function<String, JsonRpcMethod> methods) {
        super(next);
        this.next = next;
        this.methods = methods;
    }

    @Override
    public void consume(Message message) {
        String method = message instanceof RequestMessage r ? r.getMethod()
                : message instanceof NotificationMessage n ? n.getMethod() : null;
        if (method == null) {
            next.consume(message);
            return;
        }
        Object params = message instanceof RequestMessage r ? r.getParams() : ((NotificationMessage) message).getParams();
        if (params == null) {
            Class<?> type = paramsType(method);
            if (type != null && requiresAField.computeIfAbsent(type, ContractCheck::anyRequired)) {
                throw issue(message, "missing params");
            }
        }
        try {
            super.consume(message);
        } catch (MessageIssueException e) {
            if (e.getRpcMessage() != message) {
                throw e; // not this check's: a handler further on
            }
            throw issue(message, inWords(e.getIssues()));
        }
    }

    private static MessageIssueException issue(Message message, String text) {
        return new MessageIssueException(message, List.of(new MessageIssue(text,
                ResponseErrorCode.InvalidParams.getValue())));
    }

    /**
     * The validator's findings in a client's words: {@code missing params.textDocument.uri, params.textDocument.text}
     * rather than LSP4J's accessor names; any other finding as LSP4J words it.
     */
    static String inWords(List<MessageIssue> issues) {
        List<String> missing = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (MessageIssue i : issues) {
            Matcher m = MISSING.matcher(i.getText());
            if (m.matches()) {
                missing.add(m.group(1));
            } else {
                other.add(i.getText());
            }
        }
        if (!missing.isEmpty()) {
            other.add(0, "missing " + String.join(", ", missing));
        }
        return String.join("; ", other);
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
