package dev.warmup.server.errors;

import java.util.regex.Pattern;

/** Why a parse failed, in one line of the parser's own words: for a protocol message, a setting, a saved file. */
public final class ParseFailure {
    /** Gson's advice to Java developers that opens a syntax error's message ("Use JsonReader.setStrictness(..."). */
    private static final Pattern LENIENT_ADVICE = Pattern.compile("^Use JsonReader\\.\\w+\\([^)]*\\) to accept ");

    private ParseFailure() {
    }

    /**
     * The innermost cause's message, its first line only (Gson adds a line pointing Java developers to its
     * troubleshooting page), or {@code otherwise} when it has none; cut as {@link WarmupException#quote} cuts, for a
     * parser quotes the value it could not read ({@code For input string: "..."}), and what a client put in the
     * wrong field may be anything, a document's text too.
     */
    public static String reason(Throwable failure, String otherwise) {
        Throwable t = WarmupException.innermost(failure);
        String m = t == null ? null : t.getMessage();
        if (m == null || m.isBlank()) {
            return otherwise;
        }
        String line = LENIENT_ADVICE.matcher(m.lines().findFirst().orElse(otherwise)).replaceFirst("");
        return WarmupException.quote(line);
    }
}
