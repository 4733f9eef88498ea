package dev.warmup.protocol;

import java.util.List;
import java.util.regex.Pattern;

/** The tasks a model can serve. Besides the fixed names, {@code custom:NAME} is allowed. */
public final class Tasks {
    public static final String COMPLETION = "completion";
    public static final String CHAT = "chat";
    public static final String CLASSIFICATION = "classification";
    public static final String GENERATION = "generation";
    public static final String ANALYSIS = "analysis";
    public static final String REFACTORING = "refactoring";
    public static final String TRANSLATION = "translation";

    public static final List<String> BUILT_IN =
            List.of(COMPLETION, CHAT, CLASSIFICATION, GENERATION, ANALYSIS, REFACTORING, TRANSLATION);

    private static final Pattern CUSTOM = Pattern.compile("custom:[A-Za-z0-9_.-]{1,64}");

    private Tasks() {}

    public static boolean isValid(String task) {
        return task != null && (BUILT_IN.contains(task) || CUSTOM.matcher(task).matches());
    }
}
