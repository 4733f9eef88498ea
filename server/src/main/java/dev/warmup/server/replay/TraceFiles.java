package dev.warmup.server.replay;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Opens a trace file as UTF-8 text, whatever its format: {@code .xz} and {@code .gz} files are decompressed on the
 * fly (an exported week is smaller compressed), anything else is read as it is. Bytes that are not UTF-8 are an
 * error, not replaced, so that a compressed file under another name is named as such instead of read as rubbish.
 */
public final class TraceFiles {
    private static final int BUFFER = 1 << 16;

    private TraceFiles() {}

    public static BufferedReader open(Path path) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(path), BUFFER);
        try {
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            InputStream in = name.endsWith(".xz") ? new Damage(path, "xz", new XZInputStream(raw))
                    : name.endsWith(".gz") ? new Damage(path, "gzip", new GZIPInputStream(raw, BUFFER)) : raw;
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)), BUFFER);
        } catch (IOException e) {
            raw.close();
            throw new IOException(path + ": not a readable " + compression(path) + " file: " + why(e), e);
        }
    }

    /** The error for bytes in {@code path} that are not UTF-8 (the decoder's "Input length = 1" is left out). */
    public static IOException notText(Path path, CharacterCodingException e) {
        return new IOException(path + ": not UTF-8 text (a compressed trace must be named *.xz or *.gz)");
    }

    /** Names the file in an error met while decompressing it (the decompressor's own message names only the fault). */
    private static final class Damage extends FilterInputStream {
        private final Path path;
        private final String format;

        Damage(Path path, String format, InputStream in) {
            super(in);
            this.path = path;
            this.format = format;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw named(e);
            }
        }

        private IOException named(IOException e) {
            return new IOException(path + ": damaged " + format + " data: " + why(e), e);
        }
    }

    private static String why(IOException e) {
        return e.getMessage() != null ? e.getMessage()
                : e instanceof EOFException ? "it ends too soon" : e.getClass().getSimpleName();
    }

    private static String compression(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".xz") ? "xz" : name.endsWith(".gz") ? "gzip" : "text";
    }
}
