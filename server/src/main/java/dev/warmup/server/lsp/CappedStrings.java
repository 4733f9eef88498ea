package dev.warmup.server.lsp;

import java.io.IOException;
import java.io.InputStream;

/**
 * A frame's body, JSON in UTF-8, with every string cut to its first {@code limit} bytes, so that a message holding a
 * huge document's text is read in bounded memory: Gson builds each string whole, and an 80 MB didOpen ran a 256 MB
 * server out of memory. The cut falls between whole characters and never inside an escape; the closing quote is
 * kept, so the JSON stays valid. Works on bytes: in UTF-8 the bytes of the quote and the backslash occur only as
 * themselves, never inside another character.
 */
final class CappedStrings extends InputStream {
    /** The cap the server reads strings to: a document of up to 8 MiB is counted exactly. */
    static final int LIMIT = 8 << 20;

    private enum State { OUTSIDE, INSIDE, ESCAPE, SKIPPING, SKIPPING_ESCAPE }

    private final InputStream in;
    private final int limit;
    private State state = State.OUTSIDE;
    private int length; // bytes of the current string read so far
    private int hexLeft; // hex digits still to come of a \\u escape
    private long cut; // strings cut so far

    CappedStrings(InputStream in, int limit) {
        this.in = in;
        this.limit = limit;
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
        while (true) { // a read whose every byte was skipped must not look like the end
            int n = in.read(b, off, len);
            if (n < 0) {
                return -1;
            }
            int kept = off;
            for (int i = off; i < off + n; i++) {
                if (keep(b[i])) {
                    b[kept++] = b[i];
                }
            }
            if (kept > off) {
                return kept - off;
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Takes one byte through the JSON's string states; whether it is kept. */
    private boolean keep(byte c) {
        switch (state) {
            case OUTSIDE -> {
                if (c == '"') {
                    state = State.INSIDE;
                    length = 0;
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
                } else if (length >= limit && (c & 0xC0) != 0x80) { // past the cap, at a character's first byte
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
