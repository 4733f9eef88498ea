package dev.warmup.server.lsp;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;

/**
 * Keeps, in memory only, each open document's language and line count — never its text — so that change events
 * can carry the document size. Line counts follow incremental changes by counting line breaks.
 */
final class DocumentTracker {
    record Doc(String languageId, int lines) {}

    /** What one didChange did: characters inserted and deleted, the first changed line, the new line count. */
    record Change(int inserted, int deleted, int line, int lines) {}

    private final ConcurrentHashMap<String, Doc> docs = new ConcurrentHashMap<>();

    Doc open(String uri, String languageId, String text) {
        Doc d = new Doc(languageId, text == null ? 0 : lineCount(text));
        docs.put(uri, d);
        return d;
    }

    Doc get(String uri) {
        return docs.get(uri);
    }

    void close(String uri) {
        docs.remove(uri);
    }

    /** How many documents are kept: those opened and not closed. */
    int size() {
        return docs.size();
    }

    Change change(String uri, List<TextDocumentContentChangeEvent> changes) {
        Doc d = docs.getOrDefault(uri, new Doc(null, -1));
        int inserted = 0;
        int deleted = 0;
        int line = -1;
        int lines = d.lines();
        for (TextDocumentContentChangeEvent c : changes) {
            String text = c.getText() == null ? "" : c.getText();
            inserted += text.length();
            Range r = c.getRange();
            if (r == null) {
                // full-document replacement: the old size is unknown, the new one is the text's
                lines = lineCount(text);
                line = line < 0 ? 0 : line;
                continue;
            }
            deleted += deletedChars(c, r);
            if (line < 0) {
                line = r.getStart().getLine();
            }
            if (lines >= 0) {
                lines += breaks(text) - (r.getEnd().getLine() - r.getStart().getLine());
            }
        }
        docs.replace(uri, new Doc(d.languageId(), lines)); // a document never opened is not kept: LSP opens first,
        // and a client that changes a million unopened URIs must not grow the map by each
        return new Change(inserted, deleted, line, lines);
    }

    /** rangeLength when the client sends it; else exact for a one-line range, a lower bound otherwise. */
    @SuppressWarnings("deprecation")
    private static int deletedChars(TextDocumentContentChangeEvent c, Range r) {
        if (c.getRangeLength() != null) {
            return c.getRangeLength();
        }
        int lineSpan = r.getEnd().getLine() - r.getStart().getLine();
        if (lineSpan == 0) {
            return Math.max(0, r.getEnd().getCharacter() - r.getStart().getCharacter());
        }
        return lineSpan + r.getEnd().getCharacter();
    }

    static int lineCount(String text) {
        return breaks(text) + 1;
    }

    private static int breaks(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }
}
