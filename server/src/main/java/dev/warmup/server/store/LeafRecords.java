package dev.warmup.server.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows on one leaf page of a SQLite table b-tree, decoded as SQLite's file format documents them: each cell's
 * rowid and its record's values (null, Long, Double, String, byte[]). A cell whose row spills onto overflow pages, or
 * whose bytes do not make a record (the page garbled), is left out; a page that is not a table leaf has no rows.
 */
final class LeafRecords {
    private static final int TABLE_LEAF = 13;

    /** One row: its rowid and its record's values in column order. */
    record Cell(long rowid, Object[] values) {}

    private LeafRecords() {}

    /** The rows of {@code page}, page 1's after the file header, in cell order; {@code usable}: bytes of content. */
    static List<Cell> read(ByteBuffer page, long pageNumber, int usable) {
        int header = pageNumber == 1 ? 100 : 0;
        List<Cell> cells = new ArrayList<>();
        if (page.limit() < header + 8 || page.get(header) != TABLE_LEAF) {
            return cells;
        }
        int count = Short.toUnsignedInt(page.getShort(header + 3));
        for (int i = 0; i < count && header + 8 + 2 * i + 2 <= usable; i++) {
            int at = Short.toUnsignedInt(page.getShort(header + 8 + 2 * i));
            Cell c = cell(page, at, usable);
            if (c != null) {
                cells.add(c);
            }
        }
        return cells;
    }

    private static Cell cell(ByteBuffer p, int at, int usable) {
        long[] v = new long[2];
        int pos = varint(p, at, usable, v);
        if (pos < 0) {
            return null;
        }
        long payload = v[0];
        pos = varint(p, pos, usable, v);
        if (pos < 0 || payload < 0 || payload > usable - 35 || pos + payload > usable) { // overflow pages, or garbled
            return null;
        }
        long rowid = v[0];
        Object[] values = record(p, pos, (int) (pos + payload));
        return values == null ? null : new Cell(rowid, values);
    }

    /** The record in {@code [from, end)}: a header of serial types, then the values; null if it does not fit. */
    private static Object[] record(ByteBuffer p, int from, int end) {
        long[] v = new long[2];
        int pos = varint(p, from, end, v);
        if (pos < 0 || v[0] < pos - from || from + v[0] > end) {
            return null;
        }
        int headerEnd = (int) (from + v[0]);
        List<Long> types = new ArrayList<>();
        while (pos < headerEnd) {
            pos = varint(p, pos, headerEnd, v);
            if (pos < 0) {
                return null;
            }
            types.add(v[0]);
        }
        Object[] values = new Object[types.size()];
        int body = headerEnd;
        for (int i = 0; i < values.length; i++) {
            long t = types.get(i);
            int size = size(t);
            if (size < 0 || body + size > end) {
                return null;
            }
            values[i] = value(p, body, t, size);
            body += size;
        }
        return body == end ? values : null;
    }

    /** Bytes a value of serial type {@code t} takes, or -1 for the types SQLite reserves. */
    private static int size(long t) {
        if (t < 0) { // a garbled varint
            return -1;
        }
        if (t >= 12) {
            return t > Integer.MAX_VALUE ? -1 : (int) ((t - 12) / 2);
        }
        return switch ((int) t) {
            case 0, 8, 9 -> 0;
            case 1 -> 1;
            case 2 -> 2;
            case 3 -> 3;
            case 4 -> 4;
            case 5 -> 6;
            case 6, 7 -> 8;
            default -> -1;
        };
    }

    private static Object value(ByteBuffer p, int at, long t, int size) {
        if (t == 0) {
            return null;
        }
        if (t == 8 || t == 9) {
            return t - 8;
        }
        if (t >= 12) {
            byte[] bytes = new byte[size];
            p.get(at, bytes);
            return t % 2 == 0 ? bytes : new String(bytes, StandardCharsets.UTF_8);
        }
        long n = p.get(at); // big-endian two's complement, sign from the first byte
        for (int k = 1; k < size; k++) {
            n = n << 8 | Byte.toUnsignedLong(p.get(at + k));
        }
        return t == 7 ? (Object) Double.longBitsToDouble(n) : (Object) n;
    }

    /** Reads a varint at {@code at} into {@code out[0]}; returns the position after it, or -1 past {@code end}. */
    private static int varint(ByteBuffer p, int at, int end, long[] out) {
        long n = 0;
        for (int k = 0; k < 9; k++) {
            if (at + k >= end || at + k >= p.limit()) {
                return -1;
            }
            int b = Byte.toUnsignedInt(p.get(at + k));
            if (k == 8) {
                out[0] = n << 8 | b;
                return at + 9;
            }
            n = n << 7 | b & 0x7f;
            if ((b & 0x80) == 0) {
                out[0] = n;
                return at + k + 1;
            }
        }
        return -1;
    }
}
