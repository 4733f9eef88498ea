package dev.warmup.server.lsp;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One frame's body, JSON in UTF-8, read from the stream as far as its Content-Length allows and no further than its
 * JSON object (or array) goes, with every string cut to its first {@code stringLimit} bytes.
 * <p>
 * Where the object ends before the Content-Length does and what follows it (white space aside) is the start of the
 * next frame's header ({@code Content-}, or as much of it as the length holds), that is given back to the stream: a
 * client that counted its length too long (a line end it did not send, a length in UTF-16) lost the next frame, read
 * as this body's end. Anything else after the object stays the body's, and LSP4J refuses the frame for it.
 * <p>
 * The string cap bounds the memory of a message holding a huge document's text: Gson builds each string whole, and
 * an 80 MB didOpen ran a 256 MB server out of memory. The cut falls between whole characters and never inside an
 * escape; the closing quote is kept, so the JSON stays valid. Works on bytes: in UTF-8 the bytes of quotes,
 * backslashes and brackets occur only as themselves, never inside another character.
 */
final class FrameBody extends InputStream {
    /** The cap on strings in a frame larger than it: a document of up to 8 MiB is counted exactly. */
    static final int STRING_LIMIT = 8 << 20;
    /** The most read from the stream at once. */
    static final int CHUNK = 8192;
    /** What the stream must be able to take back: a chunk and a header's first bytes. */
    static final int PUSHBACK = CHUNK + 16;
    /** How every LSP header begins (Content-Length, Content-Type), in lower case. */
    private static final byte[] HEADER = "content-".getBytes(StandardCharsets.US_ASCII);

    private enum State { OUTSIDE, INSIDE, ESCAPE, SKIPPING, SKIPPING_ESCAPE }

    private final PushbackInputStream in;
    private final int stringLimit;
    private int remaining; // bytes of the Content-Length not yet read
    private State state = State.OUTSIDE;
    private int depth; // objects and arrays open
    private boolean ended; // whether the top-level object or array has closed
    private int length; // bytes of the current string read so far
    private int hexLeft; // hex digits still to come of a \\u escape
    private long cut; // strings cut so far
    private byte[] tail = new byte[0]; // read after the object's end and not yet given on
    private int tailStart;
    private int tailEnd;
    private boolean passing; // what follows the object is the body's: given on as it is

    /** {@code in} must be able to take back {@link #PUSHBACK} bytes. */
    FrameBody(PushbackInputStream in, int contentLength, int stringLimit) {
        this.in = in;
        this.remaining = contentLength;
        this.stringLimit = stringLimit;
    }

    /** How many strings were cut so far. */
    long cut() {
        return cut;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (ended) {
            return afterEnd(b, off, len);
        }
        while (remaining > 0) { // a read whose every byte was skipped must not look like the end
            int n = in.read(b, off, Math.min(Math.min(len, CHUNK), remaining));
            if (n < 0) {
                remaining = 0;
                break;
            }
            remaining -= n;
            int kept = off;
            int i = off;
            for (; i < off + n && !ended; i++) {
                if (keep(b[i])) {
                    b[kept++] = b[i];
                }
            }
            if (ended) {
                tail = Arrays.copyOfRange(b, i, off + n);
                tailEnd = tail.length;
            }
            if (kept > off) {
                return kept - off;
            }
        }
        return -1;
    }

    /** The bytes after the object: none when the next frame's header follows, else as they are. */
    private int afterEnd(byte[] b, int off, int len) throws IOException {
        if (!passing && !(passing = bodyGoesOn())) {
            return -1;
        }
        if (tailStart < tailEnd) {
            int n = Math.min(len, tailEnd - tailStart);
            System.arraycopy(tail, tailStart, b, off, n);
            tailStart += n;
            return n;
        }
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(b, off, Math.min(len, remaining));
        remaining = n < 0 ? 0 : remaining - n;
        return n;
    }

    /**
     * Whether what follows the object within the Content-Length, white space aside, is the body's; when it is the
     * start of the next frame's header, it is given back to the stream instead, and the body ends. Only what has
     * come is looked at: a request counted too long and followed by nothing yet is answered now, instead of waiting
     * for bytes that may never come (the rest of its length, if it comes, is read as the next header).
     */
    private boolean bodyGoesOn() throws IOException {
        while (true) { // past the white space
            while (tailStart < tailEnd && isSpace(tail[tailStart])) {
                tailStart++;
            }
            if (tailStart < tailEnd || !hasCome() || !readMore(CHUNK)) {
                break;
            }
        }
        while (tailStart < tailEnd && tailEnd - tailStart < HEADER.length && hasCome()
                && readMore(HEADER.length - (tailEnd - tailStart))) {
            // as much of the header's first bytes as has come within the length
        }
        if (tailStart == tailEnd) {
            return false; // white space only
        }
        for (int i = 0; i < Math.min(HEADER.length, tailEnd - tailStart); i++) {
            if (Character.toLowerCase((char) tail[tailStart + i]) != HEADER[i]) {
                return true;
            }
        }
        in.unread(tail, tailStart, tailEnd - tailStart);
        tailStart = tailEnd;
        remaining = 0;
        return false;
    }

    /** Whether more of the length is there to read now (asked of the stream only past the object's end). */
    private boolean hasCome() throws IOException {
        return remaining > 0 && in.available() > 0;
    }

    /** Appends up to {@code most} more bytes of the length to the tail; false when there are none. */
    private boolean readMore(int most) throws IOException {
        if (remaining == 0) {
            return false;
        }
        byte[] more = new byte[tailEnd - tailStart + Math.min(most, remaining)];
        System.arraycopy(tail, tailStart, more, 0, tailEnd - tailStart);
        int n = in.read(more, tailEnd - tailStart, more.length - (tailEnd - tailStart));
        if (n < 0) {
            remaining = 0;
            return false;
        }
        remaining -= n;
        tailEnd = tailEnd - tailStart + n;
        tailStart = 0;
        tail = more;
        return true;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** Takes one byte through the JSON's states; whether it is kept. */
    private boolean keep(byte c) {
        switch (state) {
            case OUTSIDE -> {
                if (c == '"') {
                    state = State.INSIDE;
                    length = 0;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
                    ended = true;
                }
                return true;
            }
            case ESCAPE -> {
                state = State.INSIDE;
                hexLeft = c == 'u' ? 4 : 0;
                length++;
                return true;
            }
            case SKIPPING -> {
                if (c == '\\') {
                    state = State.SKIPPING_ESCAPE;
                } else if (c == '"') {
                    state = State.OUTSIDE;
                    return true; // the closing quote
                }
                return false;
            }
            case SKIPPING_ESCAPE -> {
                state = State.SKIPPING;
                return false;
            }
            default -> { // INSIDE
                if (hexLeft > 0) {
                    hexLeft--;
                } else if (c == '"') {
                    state = State.OUTSIDE;
                    return true;
                } else if (length >= stringLimit && (c & 0xC0) != 0x80) { // past the cap, at a character's first byte
                    cut++;
                    state = c == '\\' ? State.SKIPPING_ESCAPE : State.SKIPPING;
                    return false;
                } else if (c == '\\') {
                    state = State.ESCAPE;
                }
                length++;
                return true;
            }
        }
    }
}
