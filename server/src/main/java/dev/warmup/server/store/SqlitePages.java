package dev.warmup.server.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A damaged SQLite file read as raw pages, as SQLite's file format documents them, without SQLite: what the file
 * holds, overlaid by the frames of the last committed transactions in its write-ahead log beside it (those whose
 * salts match the log's header; checksums are not checked). The page size comes from the file's header when it is
 * whole, else from the log's, else it is 4096 (the size this project's stores use); the freelist from the newest
 * whole copy of the header (the log's, if it holds one), else there is none and the pages of deleted rows are read
 * too. Pages past the end of the file, or cut off by it, read as null.
 */
final class SqlitePages implements AutoCloseable {
    static final int DEFAULT_PAGE_SIZE = 4096;
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int WAL_HEADER = 32;
    private static final int FRAME_HEADER = 24;

    private final FileChannel file;
    private final FileChannel wal;
    private final int pageSize;
    private final int usable;
    private final long filePages;
    private final long lastPage;
    private final Map<Long, Long> frames = new HashMap<>(); // page number -> offset of its latest frame's page
    private final Set<Long> free = new HashSet<>();

    private SqlitePages(FileChannel file, FileChannel wal, int pageSize, int reserved) throws IOException {
        this.file = file;
        this.wal = wal;
        this.pageSize = pageSize;
        this.usable = pageSize - reserved;
        this.filePages = file.size() / pageSize;
        if (wal != null) {
            readFrames();
        }
        this.lastPage = Math.max(filePages, frames.keySet().stream().mapToLong(Long::longValue).max().orElse(0));
    }

    /** Opens {@code path} (and its WAL, if one lies beside it) read-only. */
    static SqlitePages open(Path path) throws IOException {
        FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
        FileChannel wal = null;
        try {
            ByteBuffer h = read(file, 0, 100);
            boolean whole = h != null && startsWithMagic(h);
            int size = whole ? pageSize(h) : -1;
            int reserved = whole && size > 0 ? Byte.toUnsignedInt(h.get(20)) : 0;
            Path walPath = StoreFile.wal(path);
            wal = Files.exists(walPath) ? FileChannel.open(walPath, StandardOpenOption.READ) : null;
            if (size < 0 || reserved >= size - 480) { // SQLite's own limit on the usable size
                size = wal == null ? DEFAULT_PAGE_SIZE : walPageSize(wal);
                reserved = 0;
                whole = false;
            }
            SqlitePages pages = new SqlitePages(file, wal, size, reserved);
            ByteBuffer latest = pages.page(1); // the log's copy of the header, if a transaction since changed it
            ByteBuffer header = latest != null && startsWithMagic(latest) && pageSize(latest) == size ? latest
                    : whole ? h : null;
            if (header != null) {
                pages.readFreelist(Integer.toUnsignedLong(header.getInt(32)), Integer.toUnsignedLong(header.getInt(36)));
            }
            return pages;
        } catch (IOException | RuntimeException e) {
            FileChannel log = wal;
            try (file; log) {
                throw e;
            }
        }
    }

    /** Bytes of each page that hold b-tree content (the page size less the reserved bytes at its end). */
    int usableSize() {
        return usable;
    }

    /** The highest page number the file or its log holds. */
    long lastPage() {
        return lastPage;
    }

    /** Whether the header's freelist (when it could be read) lists the page: its rows were deleted. */
    boolean isFree(long pageNumber) {
        return free.contains(pageNumber);
    }

    /** Page {@code pageNumber} (from 1) as the log or the file holds it, or null if neither holds it whole. */
    ByteBuffer page(long pageNumber) throws IOException {
        Long frame = frames.get(pageNumber);
        if (frame != null) {
            return read(wal, frame, pageSize);
        }
        return pageNumber >= 1 && pageNumber <= filePages ? read(file, (pageNumber - 1) * pageSize, pageSize) : null;
    }

    @Override
    public void close() throws IOException {
        try (file; wal) {
            // both closed
        }
    }

    /** Frames up to the last commit whose salts match the log's header; a later frame of a page wins. */
    private void readFrames() throws IOException {
        ByteBuffer h = read(wal, 0, WAL_HEADER);
        if (h == null || !isWal(h) || h.getInt(8) != pageSize) {
            return;
        }
        Map<Long, Long> pending = new HashMap<>();
        for (long at = WAL_HEADER; at + FRAME_HEADER + pageSize <= wal.size(); at += FRAME_HEADER + pageSize) {
            ByteBuffer f = read(wal, at, FRAME_HEADER);
            if (f == null || f.getInt(8) != h.getInt(16) || f.getInt(12) != h.getInt(20)) {
                break; // a frame of an earlier log, left behind after a checkpoint
            }
            pending.put(Integer.toUnsignedLong(f.getInt(0)), at + FRAME_HEADER);
            if (f.getInt(4) != 0) { // a commit
                frames.putAll(pending);
                pending.clear();
            }
        }
    }

    /** The freelist's trunk pages and the leaves they list, walked no further than the file's pages. */
    private void readFreelist(long trunk, long count) throws IOException {
        long limit = lastPage();
        while (trunk >= 1 && trunk <= limit && free.size() < Math.min(count, limit) && free.add(trunk)) {
            ByteBuffer t = page(trunk);
            if (t == null) {
                return;
            }
            long leaves = Integer.toUnsignedLong(t.getInt(4));
            for (int i = 0; i < Math.min(leaves, (usable - 8) / 4); i++) {
                free.add(Integer.toUnsignedLong(t.getInt(8 + 4 * i)));
            }
            trunk = Integer.toUnsignedLong(t.getInt(0));
        }
    }

    /** The page size the log's header gives, or {@link #DEFAULT_PAGE_SIZE} if it gives none SQLite uses. */
    private static int walPageSize(FileChannel wal) throws IOException {
        ByteBuffer h = read(wal, 0, WAL_HEADER);
        int n = h == null || !isWal(h) ? -1 : validPageSize(h.getInt(8));
        return n > 0 ? n : DEFAULT_PAGE_SIZE;
    }

    private static boolean isWal(ByteBuffer h) {
        return (h.getInt(0) & ~1) == 0x377f0682;
    }

    private static boolean startsWithMagic(ByteBuffer h) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (h.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** The page size the header gives (1 stands for 65536), or -1 if it is not a power of two from 512 to 65536. */
    static int pageSize(ByteBuffer h) {
        int n = Short.toUnsignedInt(h.getShort(16));
        return validPageSize(n == 1 ? 65_536 : n);
    }

    /** {@code n} if it is a page size SQLite uses (a power of two from 512 to 65536), else -1. */
    private static int validPageSize(int n) {
        return n >= 512 && n <= 65_536 && Integer.bitCount(n) == 1 ? n : -1;
    }

    /** {@code length} bytes at {@code offset}, or null if the channel ends before them. */
    private static ByteBuffer read(FileChannel c, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (c.read(b, offset + b.position()) < 0) {
                return null;
            }
        }
        return b.flip();
    }
}
