package dev.warmup.server.lsp;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.ParseFailure;
import dev.warmup.server.errors.WarmupException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.lsp4j.jsonrpc.MessageConsumer;
import org.eclipse.lsp4j.jsonrpc.RemoteEndpoint;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.json.MessageConstants;
import org.eclipse.lsp4j.jsonrpc.messages.Message;
import org.eclipse.lsp4j.jsonrpc.messages.MessageIssue;
import org.eclipse.lsp4j.jsonrpc.messages.NotificationMessage;
import org.eclipse.lsp4j.jsonrpc.messages.RequestMessage;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;

/**
 * LSP4J's endpoint, with a WMP code on what it would otherwise answer or log in its own words. A message whose
 * parameters do not parse (a string where a number belongs, a fraction for an integer) gets, if it is a request, an
 * error naming the method and where the parameters went wrong (WMP-8003), and if it is a notification, that same
 * text logged and shown to the client; a request whose handler fails unexpectedly gets WMP-8007 (a
 * {@link WarmupException} keeps its own code). Text that is not JSON gets JSON-RPC's parse error (WMP-8011), with
 * the request's id or, for a frame {@link FrameParser} could not read as a message, id null. Either way the server
 * goes on with the next message. What reaches the server's handlers, and when, is {@link GuardedEndpoint}'s.
 */
final class ProtocolGuard extends RemoteEndpoint {
    private static final Logger LOG = Logger.getLogger(ProtocolGuard.class.getName());
    private static final String UNMATCHED_CANCEL = "Unmatched cancel notification";
    private static final String UNMATCHED_RESPONSE = "Unmatched response message: "; // then the whole message

    static {
        // An editor cancels what it no longer needs, a completion as the developer types on, and the server has
        // usually answered by then: the normal race, of which LSP4J warns every time, and the warning reached the
        // editor's log. Kept at FINE here instead. An answer to no request of the server's LSP4J logged whole, in
        // its own words and over several lines, whatever it held: named by its id instead (WMP-8015, in the log
        // only). LSP4J's other warnings pass as they are.
        Logger.getLogger(RemoteEndpoint.class.getName()).setFilter(r -> {
            String m = r.getMessage();
            if (m != null && m.startsWith(UNMATCHED_CANCEL)) {
                LOG.fine(m);
                return false;
            }
            if (m != null && m.startsWith(UNMATCHED_RESPONSE)) {
                LOG.info(new WarmupException(ErrorCode.WMP_8015, "id " + idOf(m.substring(UNMATCHED_RESPONSE.length()))
                        + "; ignored").getMessage());
                return false;
            }
            return true;
        });
    }

    /** The id of a response as LSP4J printed it, for the log: cut short, or "unknown". */
    private static String idOf(String response) {
        try {
            JsonElement id = JsonParser.parseString(response).getAsJsonObject().get("id");
            return id == null || id.isJsonNull() ? "null" : WarmupException.quote(id.toString());
        } catch (RuntimeException notAsExpected) {
            return "unknown";
        }
    }

    private final MessageConsumer out;

    ProtocolGuard(MessageConsumer out, GuardedEndpoint local) {
        super(out, local, ProtocolGuard::toError);
        this.out = out;
    }

    /**
     * A request handler's failure, as answered: its own WMP code, or WMP-8007 for anything unexpected. The one place
     * failures become errors: handlers that run off the message thread just fail their future.
     */
    private static ResponseError toError(Throwable t) {
        Throwable e = WarmupException.unwrap(t);
        if (e instanceof WarmupException w) {
            LOG.log(Level.FINE, w.getMessage(), w);
            return w.toResponseError().getResponseError();
        }
        if (e instanceof ResponseErrorException r) {
            return r.getResponseError();
        }
        WarmupException internal = new WarmupException(ErrorCode.WMP_8007, String.valueOf(e));
        LOG.log(Level.WARNING, internal.getMessage(), e);
        return internal.toResponseError().getResponseError();
    }

    @Override
    protected void handleRequestIssues(RequestMessage request, List<MessageIssue> issues) {
        WarmupException e = invalid(request.getMethod(), issues);
        LOG.log(Level.FINE, e.getMessage());
        out.consume(createErrorResponseMessage(request, e.toResponseError().getResponseError()));
    }

    @Override
    protected void logIssues(Message message, List<MessageIssue> issues) {
        if (message == null) { // a frame FrameParser could not read as a message: JSON-RPC answers it with id null
            WarmupException e = new WarmupException(ErrorCode.WMP_8011, issues.get(0).getText());
            LOG.warning(e.getMessage());
            ResponseMessage response = new ResponseMessage();
            response.setJsonrpc(MessageConstants.JSONRPC_VERSION);
            response.setError(e.toResponseError().getResponseError());
            out.consume(response);
            return;
        }
        String method = message instanceof NotificationMessage n ? n.getMethod() : "a message";
        LOG.warning(invalid(method, issues).getMessage());
    }

    /**
     * WMP-8003 naming the method and, for each issue, what went wrong (the parser's own words where it has them);
     * WMP-8011, JSON-RPC's parse error, when the text is not JSON at all (cut short, a stray character).
     */
    private static WarmupException invalid(String method, List<MessageIssue> issues) {
        StringBuilder detail = new StringBuilder(method == null ? "a message" : WarmupException.quote(method));
        boolean notJson = false;
        for (MessageIssue issue : issues) {
            detail.append(": ").append(ParseFailure.reason(issue.getCause(), issue.getText()));
            notJson |= FrameParser.notJson(issue.getCause());
        }
        return new WarmupException(notJson ? ErrorCode.WMP_8011 : ErrorCode.WMP_8003, detail.toString());
    }
}
