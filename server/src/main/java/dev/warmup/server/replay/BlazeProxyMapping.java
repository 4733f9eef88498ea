package dev.warmup.server.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The documented proxy from Blaze (Visual Studio) events to model requests, EVALUATION.md §1: the category comes from
 * {@code MessageList.csv} (joined on the whole message, case-insensitively); rules are tried top to bottom, "contains"
 * is a case-insensitive substring test and "is" a case-insensitive whole-message match.
 */
public final class BlazeProxyMapping {
    /** The tasks this proxy produces, in rule order. */
    public static final List<String> TASKS = List.of("refactoring", "analysis", "chat", "completion");

    private static final Set<String> ANALYSIS_CATEGORIES = Set.of("debug", "build", "test", "analyze");
    private static final Set<String> CHAT_MESSAGES = Set.of("view.url", "help.f1help", "view.object browser");

    private final Map<String, String> categoryOf;
    private final Map<String, String> cache = new HashMap<>();

    public BlazeProxyMapping(Map<String, String> categoryByMessage) {
        categoryOf = new HashMap<>();
        categoryByMessage.forEach((m, c) -> categoryOf.put(m.toLowerCase(Locale.ROOT), c));
    }

    /** Reads {@code MessageList.csv} ({@code id,message,num_users,category}). */
    public static BlazeProxyMapping read(Path messageList) throws IOException {
        Map<String, String> categories = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(messageList, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null || !header.startsWith("id,message")) {
                throw new IOException(messageList + ": expected the header id,message,num_users,category");
            }
            for (String line; (line = r.readLine()) != null; ) {
                int a = line.indexOf(',');
                int c = line.lastIndexOf(',');
                int b = line.lastIndexOf(',', c - 1);
                if (a < 0 || b <= a || c <= b) {
                    continue;
                }
                categories.put(line.substring(a + 1, b), line.substring(c + 1));
            }
        }
        return new BlazeProxyMapping(categories);
    }

    /** The task a message requests, or null for a context-only event. */
    public String taskOf(String message) {
        return cache.computeIfAbsent(message, this::classify);
    }

    private String classify(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        String category = categoryOf.getOrDefault(m, "").toLowerCase(Locale.ROOT);
        if (category.equals("refactoring") || m.contains("refactor") || m.contains("rename")
                || m.contains("extractmethod")) {
            return "refactoring";
        }
        if (ANALYSIS_CATEGORIES.contains(category) || m.equals("view.error list")) {
            return "analysis";
        }
        if (category.equals("search") || CHAT_MESSAGES.contains(m)) {
            return "chat";
        }
        if (category.equals("edit")) {
            return "completion";
        }
        return null;
    }
}
