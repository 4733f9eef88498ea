package dev.warmup.server.store;

import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Events that can be found in a store file, and ways to damage the file, for the tests of reading one back. */
final class DamagedFiles {
    static final int PAGE = 4096;

    private DamagedFiles() {}

    /** {@code n} events whose details, mark-00000 on, tell them apart and can be found in the file. */
    static List<UsageEvent> marked(int n) {
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(UsageEvent.simple(1000L * i, EventKind.ACTIVITY, String.format("mark-%05d", i), null));
        }
        return events;
    }

    /** A store at {@code file} of {@link #marked}{@code (n)}, the first {@code pruned} deleted by retention; closed. */
    static Path prunedStore(Path file, int n, int pruned) throws java.sql.SQLException {
        try (UsageStore s = UsageStore.open(file)) {
            s.append(marked(n));
            if (s.prune(pruned * 1000L) != pruned) {
                throw new AssertionError("retention deleted other than the first " + pruned);
            }
        }
        return file;
    }

    /** Overwrites the 4 KB page of {@code file} that holds {@code text} with garbage (no valid page type). */
    static void garblePageHolding(Path file, String text) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        garble(bytes, indexOf(bytes, text.getBytes(StandardCharsets.US_ASCII)) / PAGE * PAGE);
        Files.write(file, bytes);
    }

    /** Overwrites page {@code number} (from 1, as SQLite counts them) of {@code file} with garbage. */
    static void garblePage(Path file, long number) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        garble(bytes, (int) (number - 1) * PAGE);
        Files.write(file, bytes);
    }

    /** Overwrites the 4 KB page at byte {@code page} with garbage (no valid page type). */
    static void garble(byte[] bytes, int page) {
        for (int k = page; k < page + PAGE; k++) {
            bytes[k] = (byte) (k * 31 + 7);
        }
    }

    /** Where {@code needle} first is in {@code haystack}; fails the test when it is not there. */
    static int indexOf(byte[] haystack, byte[] needle) {
        int at = find(haystack, needle);
        if (at < 0) {
            throw new AssertionError("not in the file");
        }
        return at;
    }

    /** Whether the file holds {@code text} (ASCII) anywhere, in a live row or a freed page. */
    static boolean holds(Path file, String text) throws IOException {
        return find(Files.readAllBytes(file), text.getBytes(StandardCharsets.US_ASCII)) >= 0;
    }

    private static int find(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
