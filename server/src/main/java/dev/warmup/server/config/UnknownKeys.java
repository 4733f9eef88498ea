package dev.warmup.server.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Names the keys of a settings section that the server does not know, with the known key each most likely
 * misspells: a typo ({@code maxWarmModel}, a model's {@code memoryMB}) would otherwise leave the default in force
 * without a word. The known keys are the components of {@link WarmupSettings}, {@link ModelSpec} and
 * {@link BackendSpec}, which {@link SettingsParser} fills key for key; the clients' own keys ({@code java},
 * {@code trace}, {@code server}) are not named.
 */
final class UnknownKeys {
    private static final Set<String> CLIENTS = Set.of("java", "trace", "server");
    private static final Set<String> TOP = components(WarmupSettings.class);
    private static final Set<String> MODEL = components(ModelSpec.class);
    private static final Set<String> BACKEND = components(BackendSpec.class);

    private UnknownKeys() {}

    /** One line per unknown key of {@code section}, e.g. {@code warmup.models[0].memoryMB (did you mean memoryMb?)}. */
    static List<String> in(JsonObject section) {
        List<String> out = new ArrayList<>();
        check(section, TOP, CLIENTS, "warmup", out);
        JsonElement models = section.get("models");
        if (models != null && models.isJsonArray()) {
            for (int i = 0; i < models.getAsJsonArray().size(); i++) {
                JsonElement m = models.getAsJsonArray().get(i);
                if (m.isJsonObject()) {
                    check(m.getAsJsonObject(), MODEL, Set.of(), "warmup.models[" + i + "]", out);
                }
            }
        }
        JsonElement backends = section.get("backends");
        if (backends != null && backends.isJsonObject()) {
            for (Map.Entry<String, JsonElement> b : backends.getAsJsonObject().entrySet()) {
                if (b.getValue().isJsonObject()) {
                    check(b.getValue().getAsJsonObject(), BACKEND, Set.of(), "warmup.backends." + b.getKey(), out);
                }
            }
        }
        return out;
    }

    private static void check(JsonObject o, Set<String> known, Set<String> ignored, String path, List<String> out) {
        for (String key : o.keySet()) {
            if (!known.contains(key) && !ignored.contains(key)) {
                String near = nearest(key, known);
                out.add(path + "." + key + (near == null ? "" : " (did you mean " + near + "?)"));
            }
        }
    }

    /** The known key within a few edits of {@code key}, ignoring case; null if none is that close. */
    static String nearest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Math.max(2, key.length() / 4) + 1;
        for (String k : known.stream().sorted().toList()) {
            int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Set<String> components(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).collect(Collectors.toSet());
    }
}
