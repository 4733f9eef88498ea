package dev.warmup.server.trace;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where Gson gave up on malformed JSON, for a message to a user: its column, without its advice to developers. */
public final class JsonSyntax {
    private static final Pattern COLUMN = Pattern.compile("line (\\d+) column (\\d+)");

    private JsonSyntax() {}

    /** " (malformed at line L, column C)" from the parser's message, or "" when it names no position. */
    public static String where(RuntimeException e) {
        Matcher m = COLUMN.matcher(String.valueOf(e.getMessage()));
        if (!m.find()) {
            return "";
        }
        return m.group(1).equals("1") ? " (malformed at column " + m.group(2) + ")"
                : " (malformed at line " + m.group(1) + ", column " + m.group(2) + ")";
    }
}
