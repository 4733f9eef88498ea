package dev.warmup.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.LogCapture;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installation's salt: made once, the user's only, stable across starts; a damaged one is replaced. */
class UriHasherTest {
    @TempDir Path dir;

    @Test
    void theSaltIsMadeOnceUserOnlyAndGivesTheSameHashesAtEveryStart() throws Exception {
        Path salt = dir.resolve("uri-salt");
        String first = UriHasher.fromFile(salt).hash("file:///a.java");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(salt)));
        assertEquals(UriHasher.SALT_BYTES, Files.size(salt));
        assertEquals(first, UriHasher.fromFile(salt).hash("file:///a.java"));
        assertNotEquals(first, UriHasher.fromFile(salt).hash("file:///b.java"));
    }

    @Test
    void aSaltThatCannotBeMadeGivesTheSessionOneOfItsOwnAndSaysSo() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("data"), "a file where the folder should be");
        try (LogCapture log = new LogCapture(UriHasher.class)) {
            UriHasher hasher = UriHasher.fromFile(notAFolder.resolve("uri-salt")); // as on a full disk; threw before
            assertEquals(hasher.hash("file:///a.java"), hasher.hash("file:///a.java"));
            assertNotEquals(hasher.hash("file:///a.java"), UriHasher.fromFile(notAFolder.resolve("uri-salt"))
                    .hash("file:///a.java"), "each such session has its own");
            assertTrue(log.messages.get(0).startsWith("WMP-7008 URI salt unusable: this session hashes with a salt of"
                    + " its own: " + notAFolder.resolve("uri-salt") + " cannot be read or made ("), log.messages.get(0));
        }
    }

    @Test
    void aDamagedSaltIsMovedAsideAndReplacedSoTheServerStarts() throws Exception {
        Path salt = dir.resolve("uri-salt");
        Files.write(salt, new byte[3]); // a write cut off
        UriHasher hasher = UriHasher.fromFile(salt); // threw before: the server could not start
        assertEquals(UriHasher.SALT_BYTES, Files.size(salt));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(salt)));
        assertEquals(hasher.hash("file:///a.java"), UriHasher.fromFile(salt).hash("file:///a.java"));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> aside = files.filter(p -> p.getFileName().toString().startsWith("uri-salt.corrupt-")).toList();
            assertEquals(1, aside.size());
            assertEquals(3, Files.size(aside.get(0)), "kept as it was");
        }
        assertTrue(Files.exists(salt));
    }

    @Test
    void aSaltFarTooLongIsDamageTooAndNotRead() throws Exception {
        Path salt = dir.resolve("uri-salt");
        try (RandomAccessFile f = new RandomAccessFile(salt.toFile(), "rw")) {
            f.setLength(1L << 30); // zeros, sparse: read whole, it ran the server out of memory at every start
        }
        UriHasher hasher = UriHasher.fromFile(salt);
        assertEquals(UriHasher.SALT_BYTES, Files.size(salt));
        assertEquals(hasher.hash("file:///a.java"), UriHasher.fromFile(salt).hash("file:///a.java"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(1L << 30), files.filter(p -> p.getFileName().toString().startsWith(
                    "uri-salt.corrupt-")).map(p -> p.toFile().length()).toList(), "moved aside as it was");
        }
    }

    @Test
    void serversStartedTogetherAllUseTheOneSaltMadeFirst() throws Exception {
        for (int round = 0; round < 50; round++) { // an editor window each, restored together on a fresh machine
            Path salt = Files.createDirectories(dir.resolve("round-" + round)).resolve("uri-salt");
            CyclicBarrier start = new CyclicBarrier(3);
            List<CompletableFuture<String>> hashes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                hashes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return UriHasher.fromFile(salt).hash("file:///a.java");
                }, r -> new Thread(r).start()));
            }
            String stored = UriHasher.fromFile(salt).hash("file:///a.java");
            for (CompletableFuture<String> h : hashes) {
                assertEquals(stored, h.get(30, TimeUnit.SECONDS), "round " + round);
            }
            try (Stream<Path> files = Files.list(salt.getParent())) {
                assertEquals(List.of(salt), files.toList(), "no salt set aside, no temporary file left");
            }
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(salt)));
        }
    }
}
