package dev.warmup.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A store file cut short (a copy broken off, a full disk) is refused by SQLite as a whole, schema and all: its header
 * gives more pages than the file holds. A copy padded with zeroed pages to the length the header gives opens, and
 * what the remaining pages hold can be read; the zeroed pages read as damaged, which {@link StoreSalvage} skips. The
 * copy lies beside the file (user-only, a WAL beside it copied too) and is deleted on {@link #close}; a file that is
 * not short, or whose header does not say its length, is read as it is.
 */
final class PaddedCopy implements AutoCloseable {
    /** A header asking for more padding than this is garbled, not a file cut short: the file is read as it is. */
    static final long MAX_PADDING_BYTES = 1L << 30;

    private final Path path;
    private final boolean copy;

    private PaddedCopy(Path path, boolean copy) {
        this.path = path;
        this.copy = copy;
    }

    /**
     * The file to read {@code file} through: itself, or a padded copy; itself too when the copy cannot be made (a
     * full disk often cuts a file short, and then has no room for the copy either).
     */
    static PaddedCopy of(Path file) {
        try {
            return copyIfShort(file);
        } catch (IOException e) {
            return new PaddedCopy(file, false);
        }
    }

    private static PaddedCopy copyIfShort(Path file) throws IOException {
        long size = Files.size(file);
        ByteBuffer header = header(file);
        long length = header == null ? -1 : length(header);
        if (length <= size || length - size > MAX_PADDING_BYTES) {
            return new PaddedCopy(file, false);
        }
        int pageSize = SqlitePages.pageSize(header);
        Path padded = DataDirectory.tempBeside(file);
        PaddedCopy result = new PaddedCopy(padded, true);
        try {
            copyInto(file, padded, size / pageSize * pageSize); // a partial last page would read as garbage
            try (RandomAccessFile f = new RandomAccessFile(padded.toFile(), "rw")) {
                f.setLength(length);
            }
            Path wal = StoreFile.wal(file);
            if (Files.exists(wal)) {
                DataDirectory.createUserOnly(StoreFile.wal(padded));
                copyInto(wal, StoreFile.wal(padded), Files.size(wal));
            }
            return result;
        } catch (IOException e) {
            result.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        if (!copy) {
            return;
        }
        for (String suffix : StoreFile.SUFFIXES) {
            try {
                Files.deleteIfExists(Path.of(path + suffix));
            } catch (IOException e) {
                // left beside the damaged file, user-only: nothing else reads it
            }
        }
    }

    /**
     * The file's length by its header (page size times page count), or -1 where the header does not give it: a page
     * size SQLite does not use, or a page count SQLite itself would not trust (its change
     * counter and the version it is valid for differ).
     */
    private static long length(ByteBuffer h) {
        int pageSize = SqlitePages.pageSize(h);
        long pages = Integer.toUnsignedLong(h.getInt(28));
        boolean trusted = h.getInt(24) == h.getInt(92);
        return pageSize > 0 && trusted && pages > 0 ? pages * pageSize : -1;
    }

    /** The file's first 100 bytes, SQLite's header, or null if it is shorter. */
    private static ByteBuffer header(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(100);
            return b.length < 100 ? null : ByteBuffer.wrap(b);
        }
    }

    private static void copyInto(Path from, Path to, long bytes) throws IOException {
        try (InputStream in = Files.newInputStream(from);
             OutputStream out = Files.newOutputStream(to, StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[65_536];
            long left = bytes;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }
}
