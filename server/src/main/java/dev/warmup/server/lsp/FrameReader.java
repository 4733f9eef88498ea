package dev.warmup.server.lsp;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.lsp4j.jsonrpc.MessageIssueHandler;
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.json.StreamMessageProducer;
import org.eclipse.lsp4j.jsonrpc.messages.MessageIssue;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/**
 * LSP4J's reader of frames, except where a frame's header is bad. A header without a Content-Length that can be read
 * leaves the length of its body unknown: LSP4J then read that body as the next frame's header, and the next, so
 * that every frame after it was lost. Here the header of the next frame is found again where the body ran into it
 * (a line that holds {@code Content-Length:} after other text), and the bad frame is answered as JSON-RPC's parse
 * error with id null (WMP-8011, through {@link ProtocolGuard}), once, without the text it skipped, which may be a
 * document's. A charset Java does not know is read as UTF-8, the only one LSP allows, instead of leaving the body
 * unread. A body is read as far as its JSON object goes ({@link FrameBody}: a Content-Length too long no longer eats
 * into the next frame), and in a frame larger than {@link FrameBody#STRING_LIMIT} its strings are cut there, so that
 * a huge document's text cannot run the server out of memory, nor can a header that never ends ({@link HeaderLimit}:
 * a run of them is answered once). Other failures keep LSP4J's handling, logged with WMP-8007.
 */
final class FrameReader extends StreamMessageProducer {
    private static final Logger LOG = Logger.getLogger(FrameReader.class.getName());
    /** The Content-Length header's name and colon, as LSP4J reads it (spaces before the colon allowed). */
    private static final Pattern LENGTH = Pattern.compile(CONTENT_LENGTH_HEADER + "\\s*:");
    private static final String MISSING = "Missing header " + CONTENT_LENGTH_HEADER; // LSP4J's words, in listen()

    private final HeaderLimit header;
    private final MessageIssueHandler issues;
    private boolean skippingLong; // a header ran past HeaderLimit.MAX and was reported: until the next frame is read
    private String badLength; // the current frame's Content-Length that could not be read, for its one report
    private boolean toldOfCut; // whether the log said once that strings were cut

    FrameReader(InputStream input, MessageJsonHandler json, MessageIssueHandler issues) {
        this(new HeaderLimit(new PushbackInputStream(input, FrameBody.PUSHBACK)), json, issues);
    }

    private FrameReader(HeaderLimit header, MessageJsonHandler json, MessageIssueHandler issues) {
        super(header, json, issues);
        this.header = header;
        this.issues = issues;
    }

    @Override
    protected void parseHeader(String line, Headers headers) {
        Matcher length = LENGTH.matcher(line);
        if (length.find()) { // at 0, or later where a body of unknown length ran into the next frame's header
            String value = line.substring(length.end()).trim();
            try {
                headers.contentLength = Integer.parseInt(value);
                badLength = headers.contentLength < 0 ? value : null;
            } catch (NumberFormatException e) {
                headers.contentLength = -1;
                badLength = value;
            }
            return;
        }
        super.parseHeader(line, headers);
        if (!supported(headers.charset)) {
            report("charset '" + WarmupException.quote(headers.charset) + "' is not one Java knows; the body is read"
                    + " as UTF-8, the only charset LSP allows");
            headers.charset = StandardCharsets.UTF_8.name();
        }
    }

    @Override
    protected boolean handleMessage(InputStream ignored, Headers headers) { // ignored: the HeaderLimit, not for bodies
        header.bodyFollows();
        skippingLong = false;
        PushbackInputStream input = header.raw();
        if (!isUtf8(headers.charset)) {
            return super.handleMessage(input, headers);
        }
        FrameBody body = new FrameBody(input, headers.contentLength,
                headers.contentLength > FrameBody.STRING_LIMIT ? FrameBody.STRING_LIMIT : Integer.MAX_VALUE);
        boolean more = super.handleMessage(body, headers);
        if (body.cut() > 0 && !toldOfCut) {
            toldOfCut = true;
            LOG.info("a message held a string longer than " + (FrameBody.STRING_LIMIT >> 20) + " MiB (a large"
                    + " document's text): such strings are read only to there, so such a document's size is counted"
                    + " to there");
        }
        return more;
    }

    @Override
    protected void fireError(Throwable error) {
        if (error instanceof IllegalStateException && String.valueOf(error.getMessage()).startsWith(MISSING)) {
            boolean tooLong = header.refused();
            if (!skippingLong) { // a run of headers cut for length, and what ends it, is one report: 300 MB, not 4,800
                skippingLong = tooLong;
                String why = tooLong ? "a frame's header ran past " + (HeaderLimit.MAX >> 10) + " KiB without ending"
                        : badLength == null ? "a frame's header has no Content-Length"
                        : "a frame's Content-Length '" + WarmupException.quote(badLength) + "' is not a length in"
                        + " bytes";
                report(why + "; what followed it up to the next Content-Length header was skipped");
            }
            badLength = null;
            return;
        }
        LOG.log(Level.WARNING, new WarmupException(ErrorCode.WMP_8007, "reading a message: " + error).getMessage(),
                error);
    }

    private void report(String why) {
        issues.handle(null, List.of(new MessageIssue(why, ResponseErrorCode.ParseError.getValue())));
    }

    private static boolean isUtf8(String charset) { // on every frame: one lookup
        try {
            return Charset.forName(charset).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException unknownOrIllegal) {
            return false;
        }
    }

    private static boolean supported(String charset) {
        try {
            return Charset.isSupported(charset);
        } catch (IllegalCharsetNameException e) {
            return false;
        }
    }
}
