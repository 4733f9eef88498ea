package dev.warmup.server.store;

import static dev.warmup.server.store.DamagedFiles.PAGE;
import static dev.warmup.server.store.DamagedFiles.marked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.usage.UsageEvent;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leaf pages decoded as SQLite wrote them, and garbled ones decoded without an exception. */
class LeafRecordsTest {
    @TempDir Path dir;

    @Test
    void theEventsOnAStoresLeafPagesDecodeAsTheyWereWritten() throws Exception {
        List<UsageEvent> read = new ArrayList<>();
        for (ByteBuffer page : leafPages(storeFile())) {
            for (LeafRecords.Cell c : LeafRecords.read(page, 2, PAGE)) {
                UsageEvent e = PageSalvage.event(c.values());
                if (e != null) {
                    assertEquals(read.size() + 1, c.rowid(), "ids in order, from 1");
                    read.add(e);
                }
            }
        }
        assertEquals(marked(3000), read);
    }

    /** 20,000 garblings of real leaf pages (bytes flipped, runs overwritten, cell counts and pointers changed). */
    @Test
    void aGarbledPageDecodesToFewerRowsNeverAnException() throws Exception {
        List<ByteBuffer> pages = leafPages(storeFile());
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = pages.get(r.nextInt(pages.size())).array().clone();
            switch (i % 4) {
                case 0 -> b[r.nextInt(PAGE)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> {
                    int at = r.nextInt(PAGE);
                    for (int k = at; k < Math.min(PAGE, at + 1 + r.nextInt(64)); k++) {
                        b[k] = (byte) r.nextInt(256);
                    }
                }
                case 2 -> { // the cell count, or one cell pointer
                    int at = r.nextBoolean() ? 3 : 8 + 2 * r.nextInt(40);
                    b[at] = (byte) r.nextInt(256);
                    b[at + 1] = (byte) r.nextInt(256);
                }
                default -> r.nextBytes(b);
            }
            List<LeafRecords.Cell> cells = LeafRecords.read(ByteBuffer.wrap(b), 2, PAGE);
            for (LeafRecords.Cell c : cells) {
                PageSalvage.event(c.values());
                PageSalvage.dailyCount(c.values());
            }
            assertTrue(cells.size() <= (PAGE - 8) / 2, "no more cells than pointers fit");
        }
    }

    private Path storeFile() throws Exception {
        Path file = dir.resolve("usage.db");
        try (UsageStore s = UsageStore.open(file)) {
            s.append(marked(3000));
        }
        return file;
    }

    /** The file's table-leaf pages but the first, in file order. */
    private static List<ByteBuffer> leafPages(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        List<ByteBuffer> leaves = new ArrayList<>();
        for (int at = PAGE; at + PAGE <= bytes.length; at += PAGE) {
            if (bytes[at] == 13) {
                leaves.add(ByteBuffer.wrap(java.util.Arrays.copyOfRange(bytes, at, at + PAGE)));
            }
        }
        return leaves;
    }
}
