package dev.warmup.server.config;

import java.util.Locale;

/**
 * Ollama's model names: {@code [host/][namespace/]model[:tag]}, the missing parts being {@code registry.ollama.ai},
 * {@code library} and {@code latest}, compared without regard to case. {@code GET /api/ps} lists a model in its
 * shortest form, which always has the tag ({@code qwen2.5-coder:latest} for a model loaded as
 * {@code qwen2.5-coder}), so a catalogue's id and the list's name are matched in full form, not as strings.
 * Used through {@link BackendSpec#canonicalName}.
 */
public final class OllamaNames {
    private static final String HOST = "registry.ollama.ai";
    private static final String NAMESPACE = "library";
    private static final String TAG = "latest";

    private OllamaNames() {}

    /** {@code host/namespace/model:tag}, lower case, with the defaults filled in. */
    public static String full(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        int slash = n.lastIndexOf('/');
        int colon = n.lastIndexOf(':');
        String tag = colon > slash ? n.substring(colon + 1) : TAG;
        String path = colon > slash ? n.substring(0, colon) : n;
        String[] parts = path.split("/", -1);
        String model = parts[parts.length - 1];
        String namespace = parts.length >= 2 ? parts[parts.length - 2] : NAMESPACE;
        String host = parts.length >= 3 ? String.join("/", java.util.Arrays.copyOf(parts, parts.length - 2)) : HOST;
        return host + "/" + namespace + "/" + model + ":" + tag;
    }
}
