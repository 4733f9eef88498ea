package dev.warmup.server.trace;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Trace files by their names: {@code .xz} and {@code .gz} files are compressed so (an exported week is smaller
 * compressed), anything else is plain; {@link #open} reads one as UTF-8 text, decompressing on the fly, and
 * {@link #compressing} writes one, so that what the export writes under a name is what the replay reads under it.
 * Bytes that are not UTF-8 are an error, not replaced, so that a compressed file under another name is named as such
 * instead of read as rubbish.
 * Every error met while reading names the file: the decoder's and decompressors' own messages name only the fault.
 * A line longer than {@link #MAX_LINE} characters is an error too, named with its number, so that a file that is
 * no trace (300 MB without a line end) is refused instead of running the replay out of memory.
 */
public final class TraceFiles {
    private static final int BUFFER = 1 << 16;
    /** The longest line a trace may have: an exported event is under a kilobyte, a Blaze row under a hundred bytes. */
    public static final int MAX_LINE = 1 << 20;

    private TraceFiles() {}

    public static BufferedReader open(Path path) throws IOException {
        String format = format(path);
        InputStream raw = new BufferedInputStream(Files.newInputStream(path), BUFFER);
        InputStream in;
        try {
            in = switch (format) {
                case "xz" -> new XZInputStream(raw);
                case "gzip" -> new GZIPInputStream(raw, BUFFER);
                default -> raw;
            };
        } catch (IOException e) {
            raw.close();
            throw new IOException(path + ": not a readable " + format + " file: " + why(e), e);
        }
        Reader text = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
        return new BufferedReader(new Named(text, path, format), BUFFER);
    }

    /** {@code raw}, the bytes of the file {@code path}, compressed as its name says. */
    public static OutputStream compressing(Path path, OutputStream raw) throws IOException {
        return switch (format(path)) {
            case "xz" -> new XZOutputStream(raw, new LZMA2Options());
            case "gzip" -> new GZIPOutputStream(raw);
            default -> raw;
        };
    }

    /** Puts the file's name on the errors met while reading it, and refuses a line longer than {@link #MAX_LINE}. */
    private static final class Named extends FilterReader {
        private final Path path;
        private final String format;
        private long lines; // line ends read so far
        private int lineLength; // characters read since the last line end

        Named(Reader in, Path path, String format) {
            super(in);
            this.path = path;
            this.format = format;
        }

        @Override
        public int read() throws IOException {
            int c;
            try {
                c = super.read();
            } catch (IOException e) {
                throw named(e);
            }
            if (c >= 0) {
                count((char) c);
            }
            return c;
        }

        @Override
        public int read(char[] buffer, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(buffer, off, len);
            } catch (IOException e) {
                throw named(e);
            }
            for (int i = off; i < off + n; i++) {
                count(buffer[i]);
            }
            return n;
        }

        private void count(char c) throws IOException {
            if (c == '\n') {
                lines++;
                lineLength = 0;
            } else if (++lineLength > MAX_LINE) {
                throw new IOException(path + ": line " + (lines + 1) + " is longer than " + MAX_LINE
                        + " characters: not a trace");
            }
        }

        private IOException named(IOException e) {
            if (e instanceof CharacterCodingException) { // its own message is "Input length = 1"
                return new IOException(path + ": not UTF-8 text (a compressed trace must be named *.xz or *.gz)");
            }
            return format.equals("text") ? e : new IOException(path + ": damaged " + format + " data: " + why(e), e);
        }
    }

    private static String why(IOException e) {
        return e.getMessage() != null ? e.getMessage()
                : e instanceof EOFException ? "it ends too soon" : e.getClass().getSimpleName();
    }

    private static String format(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".xz") ? "xz" : name.endsWith(".gz") ? "gzip" : "text";
    }
}
