package dev.warmup.server.lsp;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.stream.MalformedJsonException;
import dev.warmup.server.errors.ParseFailure;
import java.io.EOFException;
import java.io.Reader;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.lsp4j.jsonrpc.MessageIssueException;
import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethod;
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.messages.Message;
import org.eclipse.lsp4j.jsonrpc.messages.MessageIssue;
import org.eclipse.lsp4j.jsonrpc.messages.RequestMessage;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/**
 * LSP4J's message parser, except that a frame which is not one JSON-RPC message at all (an array, a bare value,
 * {@code null}), or whose text is not JSON and not a request whose id could be read, becomes a message issue without
 * a message, instead of an exception LSP4J's reader can only log or a guess at what it was (a cut-short request with
 * no method yet reads as a response). {@link ProtocolGuard} answers it as JSON-RPC asks: a parse error, id null.
 */
final class FrameParser extends MessageJsonHandler {
    FrameParser(Map<String, JsonRpcMethod> methods, Consumer<GsonBuilder> configureGson) {
        super(methods, gson -> {
            if (configureGson != null) {
                configureGson.accept(gson);
            }
            gson.registerTypeAdapterFactory(new ValueErrors());
        });
    }

    @Override
    public Message parseMessage(Reader input) {
        Message message;
        try {
            message = super.parseMessage(input);
        } catch (MessageIssueException e) {
            boolean notJson = e.getIssues().stream().anyMatch(i -> notJson(i.getCause()));
            if (e.getRpcMessage() instanceof RequestMessage || !notJson) {
                throw e; // a request keeps its id for the answer; JSON of the wrong shape is the guard's WMP-8003
            }
            throw unparsed(ParseFailure.reason(e.getIssues().get(0).getCause(), e.getIssues().get(0).getText()));
        } catch (JsonParseException | IllegalStateException e) {
            throw unparsed(ParseFailure.reason(e, "unreadable"));
        }
        if (message == null) {
            throw unparsed("the frame is empty or null");
        }
        return message;
    }

    private static MessageIssueException unparsed(String why) {
        return new MessageIssueException(null, new MessageIssue(why, ResponseErrorCode.ParseError.getValue()));
    }

    /** Whether a failure is the text not being JSON (cut short, a stray character), not JSON of the wrong shape. */
    static boolean notJson(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MalformedJsonException || t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }
}
