package dev.warmup.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.jsonrpc.services.JsonRequest;
import org.junit.jupiter.api.Test;

/**
 * protocol/README.md's method table has one row per {@code warmup/*} method of {@link WarmupServerApi} and
 * {@link WarmupClientApi}, no other, each with its direction and kind, and the fields its params record has; its
 * {@code warmup/status} example has every field of the status; its commands section and the README name every
 * command of {@link Commands}.
 */
class ProtocolDocumentationTest {
    private static final Pattern ROW = Pattern.compile("^\\| `(warmup/\\w+)` \\| ([^|]+) \\| ([^|]+) \\|", Pattern.MULTILINE);

    @Test
    void theMethodTableHasEveryMethodWithItsDirectionKindAndParams() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Map<String, String[]> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(readme);
        while (m.find()) {
            rows.put(m.group(1), new String[] {m.group(2).trim(), m.group(3).trim()});
        }
        Map<String, Method> methods = new TreeMap<>();
        Map<String, String> directions = new TreeMap<>();
        for (Class<?> api : new Class<?>[] {WarmupServerApi.class, WarmupClientApi.class}) {
            String direction = api == WarmupServerApi.class ? "client → server" : "server → client";
            for (Method method : api.getDeclaredMethods()) {
                boolean request = method.isAnnotationPresent(JsonRequest.class);
                if (!request && !method.isAnnotationPresent(JsonNotification.class)) {
                    continue;
                }
                String name = "warmup/" + method.getName();
                methods.put(name, method);
                directions.put(name, direction + ", " + (request ? "request" : "notification"));
            }
        }
        assertEquals(methods.keySet(), new TreeSet<>(rows.keySet()), "one row per method, none stale");
        methods.forEach((name, method) -> {
            String[] row = rows.get(name);
            assertEquals(directions.get(name), row[0], name + "'s direction and kind");
            Class<?> params = method.getParameterCount() == 1 ? method.getParameterTypes()[0] : null;
            if (params != null && params.getSimpleName().endsWith("Params")) {
                assertEquals(fields(params), documentedFields(row[1], params, name), name + "'s params");
            }
        });
    }

    @Test
    void theStatusExampleHasEveryField() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (Class<?> type : new Class<?>[] {WarmupStatus.class, ModelStatus.class}) {
            for (String field : fields(type)) {
                assertTrue(readme.contains("\"" + field + "\":"), type.getSimpleName() + "." + field
                        + " in protocol/README.md's warmup/status example");
            }
        }
    }

    @Test
    void everyCommandIsDocumented() throws IOException {
        String protocol = Files.readString(Path.of("README.md"));
        String commands = protocol.substring(protocol.indexOf("## Commands"));
        String main = Files.readString(Path.of("..", "README.md"));
        for (String command : Commands.ALL) {
            assertTrue(commands.contains("`" + command + "`"), command + " in protocol/README.md's commands");
            assertTrue(main.contains("`" + command + "`"), command + " in README.md");
        }
    }

    private static Set<String> fields(Class<?> record) {
        return Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The names inside {@code `Params {a, b?, c: T[]}`} in the row's params cell, optional marks dropped. */
    private static Set<String> documentedFields(String cell, Class<?> params, String method) {
        Matcher m = Pattern.compile(Pattern.quote(params.getSimpleName()) + " \\{([^}]*)\\}").matcher(cell);
        assertTrue(m.find(), method + "'s params cell names " + params.getSimpleName() + " {…}: " + cell);
        return Arrays.stream(m.group(1).split(","))
                .map(f -> f.trim().replaceAll("[?:].*$", "").trim())
                .filter(f -> !f.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
