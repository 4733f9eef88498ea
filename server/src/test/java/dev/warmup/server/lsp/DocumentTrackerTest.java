package dev.warmup.server.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.junit.jupiter.api.Test;

/** Line counts follow incremental changes; only documents opened and not closed are kept. */
class DocumentTrackerTest {
    private static TextDocumentContentChangeEvent edit(int fromLine, int fromChar, int toLine, int toChar, String text) {
        return new TextDocumentContentChangeEvent(new Range(new Position(fromLine, fromChar),
                new Position(toLine, toChar)), text);
    }

    @Test
    void lineCountsFollowChangesOfAnOpenDocument() {
        DocumentTracker t = new DocumentTracker();
        assertEquals(3, t.open("file:///a.py", "python", "a\nb\n").lines()); // LSP counts the empty last line
        DocumentTracker.Change c = t.change("file:///a.py", List.of(edit(1, 0, 1, 1, "x\ny\nz"), edit(0, 0, 1, 0, "")));
        // "b" deleted, then "a\n": without the text, a range across lines counts its breaks and the end line's part
        assertEquals(new DocumentTracker.Change(5, 2, 1, 4), c);
        assertEquals(4, t.get("file:///a.py").lines());
        assertEquals("python", t.get("file:///a.py").languageId());
        t.close("file:///a.py");
        assertEquals(0, t.size());
    }

    @Test
    void changesOfDocumentsNeverOpenedAreCountedButNotKept() {
        DocumentTracker t = new DocumentTracker();
        for (int i = 0; i < 1000; i++) {
            DocumentTracker.Change c = t.change("file:///unopened" + i, List.of(edit(0, 0, 0, 0, "x\n")));
            assertEquals(new DocumentTracker.Change(2, 0, 0, -1), c, "inserted, none deleted, line 0, size unknown");
        }
        assertEquals(new DocumentTracker.Change(3, 0, 0, 2), t.change("file:///whole",
                List.of(new TextDocumentContentChangeEvent("a\nb"))), "a whole replacement tells its own size");
        assertEquals(0, t.size());
        assertNull(t.get("file:///whole"));
    }
}
