package dev.warmup.server.lsp;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UriHasher;
import dev.warmup.server.usage.UsageEvent;
import dev.warmup.server.usage.UsagePatternAnalyzer;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.TextDocumentService;

/**
 * Observes document traffic and turns it into usage events — metadata only: the URI is hashed, the text is
 * measured and forgotten. Answers completion and code actions with empty results at once: we watch, we never
 * contribute, never delay the editor. Nothing here does I/O.
 */
public final class DocumentEvents implements TextDocumentService {
    private static final CompletableFuture<Either<List<CompletionItem>, CompletionList>> EMPTY_COMPLETION =
            CompletableFuture.completedFuture(Either.forRight(new CompletionList(false, List.of())));

    private final UsagePatternAnalyzer analyzer;
    private final UriHasher hasher;
    private final Clock clock;
    private final ModelWarmupMetrics metrics;
    private final DocumentTracker documents = new DocumentTracker();

    @Inject
    public DocumentEvents(UsagePatternAnalyzer analyzer, UriHasher hasher, Clock clock, ModelWarmupMetrics metrics) {
        this.analyzer = analyzer;
        this.hasher = hasher;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void didOpen(DidOpenTextDocumentParams params) {
        long t0 = System.nanoTime();
        var doc = params.getTextDocument();
        String uri = required("textDocument/didOpen", doc == null ? null : doc.getUri());
        var d = documents.open(uri, doc.getLanguageId(), doc.getText());
        record(EventKind.OPEN, null, uri, d.languageId(), 0, 0, -1, d.lines());
        metrics.request(System.nanoTime() - t0);
    }

    @Override
    public void didChange(DidChangeTextDocumentParams params) {
        long t0 = System.nanoTime();
        String uri = required("textDocument/didChange", params.getTextDocument());
        var change = documents.change(uri, complete(params.getContentChanges()));
        var d = documents.get(uri);
        record(EventKind.CHANGE, null, uri, d == null ? null : d.languageId(), change.inserted(), change.deleted(),
                change.line(), change.lines());
        metrics.request(System.nanoTime() - t0);
    }

    @Override
    public void didSave(DidSaveTextDocumentParams params) {
        String uri = required("textDocument/didSave", params.getTextDocument());
        var d = documents.get(uri);
        record(EventKind.SAVE, null, uri, d == null ? null : d.languageId(), 0, 0, -1, d == null ? -1 : d.lines());
    }

    @Override
    public void didClose(DidCloseTextDocumentParams params) {
        String uri = required("textDocument/didClose", params.getTextDocument());
        var d = documents.get(uri);
        documents.close(uri);
        record(EventKind.CLOSE, null, uri, d == null ? null : d.languageId(), 0, 0, -1, d == null ? -1 : d.lines());
    }

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
        long t0 = System.nanoTime();
        String uri = params.getTextDocument() == null ? null : params.getTextDocument().getUri();
        var ctx = params.getContext();
        String detail = ctx == null ? "invoked"
                : ctx.getTriggerKind() + (ctx.getTriggerCharacter() == null ? "" : ":" + ctx.getTriggerCharacter());
        var d = uri == null ? null : documents.get(uri);
        int line = params.getPosition() == null ? -1 : params.getPosition().getLine();
        record(EventKind.COMPLETION, detail, uri, d == null ? null : d.languageId(), 0, 0, line,
                d == null ? -1 : d.lines());
        metrics.request(System.nanoTime() - t0);
        return EMPTY_COMPLETION;
    }

    @Override
    public CompletableFuture<List<Either<Command, CodeAction>>> codeAction(CodeActionParams params) {
        long t0 = System.nanoTime();
        String uri = params.getTextDocument() == null ? null : params.getTextDocument().getUri();
        List<String> only = params.getContext() == null ? null : params.getContext().getOnly();
        String kinds = only == null || only.isEmpty() ? "any"
                : kinds(only).stream().sorted().collect(Collectors.joining(","));
        var d = uri == null ? null : documents.get(uri);
        int line = params.getRange() == null || params.getRange().getStart() == null ? -1
                : params.getRange().getStart().getLine();
        record(EventKind.CODE_ACTION, kinds, uri, d == null ? null : d.languageId(), 0, 0, line,
                d == null ? -1 : d.lines());
        metrics.request(System.nanoTime() - t0);
        return CompletableFuture.completedFuture(List.of());
    }

    /** A code action request's {@code context.only}: WMP-8003 naming the first kind that is null. */
    private static List<String> kinds(List<String> only) {
        int missing = only.indexOf(null);
        if (missing >= 0) {
            throw new WarmupException(ErrorCode.WMP_8003, "textDocument/codeAction needs context.only[" + missing
                    + "] to be a code action kind");
        }
        return only;
    }

    /**
     * A didChange's changes, each one whole: WMP-8003 naming the first that is null or has a range without both ends
     * (a change without a range replaces the document, as LSP says). No changes at all is none.
     */
    private static List<TextDocumentContentChangeEvent> complete(List<TextDocumentContentChangeEvent> changes) {
        if (changes == null) {
            return List.of();
        }
        for (int i = 0; i < changes.size(); i++) {
            var c = changes.get(i);
            var r = c == null ? null : c.getRange();
            if (c == null || r != null && (r.getStart() == null || r.getEnd() == null)) {
                throw new WarmupException(ErrorCode.WMP_8003, "textDocument/didChange needs contentChanges[" + i + "]"
                        + (c == null ? "" : ".range.start and .end"));
            }
        }
        return changes;
    }

    /** {@link #required(String, String)} of a change, save or close's document. */
    private static String required(String method, TextDocumentIdentifier doc) {
        return required(method, doc == null ? null : doc.getUri());
    }

    /** The document's URI, which the protocol requires: WMP-8003 naming the method when it is missing. */
    private static String required(String method, String uri) {
        if (uri == null || uri.isEmpty()) {
            throw new WarmupException(ErrorCode.WMP_8003, method + " needs textDocument.uri");
        }
        return uri;
    }

    private void record(EventKind kind, String detail, String uri, String languageId, int inserted, int deleted,
                        int line, int docLines) {
        analyzer.recordUsage(new UsageEvent(clock.millis(), kind, name(detail), null, null, name(languageId),
                hasher.hash(uri), inserted, deleted, line, docLines, -1, null));
    }

    /**
     * A client's string as stored with every event (a language id, a trigger character, code action kinds): names,
     * not payloads, so cut at {@link ModelSpec#MAX_NAME} characters whatever the client sent.
     */
    private static String name(String s) {
        return s == null || s.length() <= ModelSpec.MAX_NAME ? s : s.substring(0, ModelSpec.MAX_NAME);
    }
}
