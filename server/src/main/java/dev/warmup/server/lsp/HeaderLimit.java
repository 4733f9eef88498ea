package dev.warmup.server.lsp;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;

/**
 * The stream LSP4J reads frames' headers from, one byte at a time, bounded: a header running past {@link #MAX}
 * bytes without its blank line gets one put in, which ends it there. LSP4J holds a header whole until its blank line
 * (and every line of it besides, for its message), so that 300 MB of bytes without one (a client writing something
 * that is not LSP) ran a 256 MB server out of memory. Bodies are read from {@link #raw()}, past this count.
 */
final class HeaderLimit extends InputStream {
    /** A header this long is no LSP header (a real one is under 100 bytes). */
    static final int MAX = 64 << 10;

    private final PushbackInputStream in;
    private int length; // bytes of the current header so far
    private int owed; // line ends still to give of the blank line put in
    private boolean ended; // whether the last header was ended here, not by its sender
    private boolean atLineStart; // whether the last byte given, carriage returns aside, ended a line

    HeaderLimit(PushbackInputStream in) {
        this.in = in;
    }

    /** The stream itself, for a body (which may give back what it read past its end). */
    PushbackInputStream raw() {
        return in;
    }

    /** The header ended and its body follows (LSP4J starts the next header on a fresh line). */
    void bodyFollows() {
        length = 0;
        atLineStart = false;
        ended = false;
    }

    /** The header ended without a length and was refused: whether it was ended here, for being too long. */
    boolean refused() {
        length = 0;
        boolean here = ended;
        ended = false;
        return here;
    }

    @Override
    public int read() throws IOException {
        if (owed > 0) {
            owed--;
            return '\n';
        }
        if (length >= MAX) {
            length = 0;
            ended = true;
            owed = atLineStart ? 0 : 1; // a line end, unless a line just ended, then the blank line's
            atLineStart = true;
            return '\n';
        }
        int c = in.read();
        if (c >= 0) {
            length++;
            atLineStart = c == '\n' || (atLineStart && c == '\r'); // LSP4J passes over carriage returns
        }
        return c;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
