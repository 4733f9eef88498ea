package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.protocol.WarmupClientApi;
import dev.warmup.protocol.WarmupServerApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.lsp4j.jsonrpc.services.ServiceEndpoints;
import org.junit.jupiter.api.Test;

/**
 * The editor plugins name the {@code warmup/*} methods as strings, in TypeScript and in LSP4IJ's annotations: a name
 * the server does not have would be dropped without a word (LSP4J only logs an unknown notification on the server's
 * stderr). Every name the clients send must be one the server answers, and every one they listen for one it sends.
 */
class ClientMethodNamesTest {
    private static final Path CLIENTS = Path.of("..", "clients");
    private static final Pattern VSCODE_SENT = Pattern.compile("send(?:Notification|Request)\\('(warmup/\\w+)'");
    private static final Pattern VSCODE_HEARD = Pattern.compile("on(?:Notification|Request)\\('(warmup/\\w+)'");
    private static final Pattern ANNOTATED = Pattern.compile("@Json(?:Notification|Request)\\(\"(warmup/\\w+)\"\\)");

    @Test
    void theVsCodeExtensionSendsAndHearsOnlyMethodsTheServerHas() throws IOException {
        Path src = CLIENTS.resolve("vscode/src");
        Set<String> sent = names(src, VSCODE_SENT);
        assertTrue(sent.contains("warmup/modelUsed") && sent.contains("warmup/loaderReady"), "found: " + sent);
        assertSubset(sent, served(), "sent by the VS Code extension");
        assertSubset(names(src, VSCODE_HEARD), sentByServer(), "listened for by the VS Code extension");
    }

    @Test
    void theIntelliJPluginSendsAndHearsOnlyMethodsTheServerHas() throws IOException {
        Path plugin = CLIENTS.resolve("intellij/src/gradle/java/dev/warmup/intellij/plugin");
        Set<String> sent = names(plugin.resolve("WarmupServerApi.java"), ANNOTATED);
        assertTrue(sent.contains("warmup/activity") && sent.contains("warmup/loaderReady"), "found: " + sent);
        assertSubset(sent, served(), "sent by the IntelliJ plugin");
        Set<String> heard = names(plugin.resolve("WarmupLanguageClient.java"), ANNOTATED);
        assertEquals(sentByServer(), heard, "every notification the server sends is handled by the IntelliJ plugin");
    }

    private static Set<String> served() {
        return ServiceEndpoints.getSupportedMethods(WarmupServerApi.class).keySet();
    }

    private static Set<String> sentByServer() {
        return ServiceEndpoints.getSupportedMethods(WarmupClientApi.class).keySet();
    }

    private static void assertSubset(Set<String> names, Set<String> known, String what) {
        Set<String> unknown = new TreeSet<>(names);
        unknown.removeAll(known);
        assertEquals(Set.of(), unknown, what + " but not in the protocol (" + known + ")");
    }

    private static Set<String> names(Path where, Pattern pattern) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(where)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Matcher m = pattern.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
