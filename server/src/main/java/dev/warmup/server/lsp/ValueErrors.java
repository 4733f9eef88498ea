package dev.warmup.server.lsp;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.JsonSyntaxException;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;

/**
 * Some of LSP4J's own readers fail on a value of the wrong shape with a runtime exception rather than a syntax error:
 * an enum sent as a number (a completion's {@code triggerKind}, a {@code warmup/modelState} state) out of an int's
 * range ({@link NumberFormatException} from {@code nextInt}), a document identifier whose {@code uri} is null
 * ({@link NullPointerException} from its setter's precondition). LSP4J's message parser takes only syntax errors for a
 * bad parameter, so those escaped it: a request got no answer and the log an error in LSP4J's words. Registered over
 * LSP4J's adapters for the protocol's types (LSP's and ours) and for enums, this one makes any such failure a syntax
 * error, which the parser turns into WMP-8003 for the message, as it does a value of the wrong type.
 */
final class ValueErrors implements TypeAdapterFactory {
    @Override
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
        Class<?> raw = type.getRawType();
        String name = raw.getName();
        boolean protocolType = name.startsWith("org.eclipse.lsp4j.") && !name.startsWith("org.eclipse.lsp4j.jsonrpc.")
                || name.startsWith("dev.warmup.protocol.");
        if (!raw.isEnum() && !protocolType) { // nor JSON-RPC's messages: their reader says what went wrong itself
            return null;
        }
        TypeAdapter<T> lsp4j = gson.getDelegateAdapter(this, type);
        return new TypeAdapter<>() {
            @Override
            public void write(JsonWriter out, T value) throws IOException {
                lsp4j.write(out, value);
            }

            @Override
            public T read(JsonReader in) throws IOException {
                try {
                    return lsp4j.read(in);
                } catch (JsonParseException e) {
                    throw e;
                } catch (RuntimeException e) { // the client's value, not the server, is at fault
                    String why = String.valueOf(e.getMessage());
                    throw new JsonSyntaxException(why.contains(" path $") ? why : why + " path " + in.getPath());
                }
            }
        };
    }
}
