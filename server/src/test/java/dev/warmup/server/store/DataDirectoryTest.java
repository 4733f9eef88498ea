package dev.warmup.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory and what is in it are the user's only, whatever an earlier version or a copy left. */
class DataDirectoryTest {
    @TempDir Path tmp;

    private static String permissions(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void filesAndFoldersFoundInItAreMadeUserOnly() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("warmup"));
        Path salt = Files.writeString(root.resolve("uri-salt"), "0123456789abcdef0123456789abcdef");
        Path aside = Files.writeString(root.resolve("usage.db.corrupt-2026-11-30T10-00-00Z"), "old");
        Path jna = Files.createDirectories(root.resolve("jna"));
        Path predictor = Files.writeString(root.resolve("predictor.json"), "{}");
        Path notOurs = Files.writeString(root.resolve("notes.txt"), "the user's own");
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere.txt"), "not ours to change");
        Path link = Files.createSymbolicLink(root.resolve("usage.db-link"), elsewhere);
        for (Path p : new Path[] {root, salt, aside, jna, predictor, notOurs, elsewhere}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                    : "rw-r--r--"));
        }
        new DataDirectory(root);
        assertEquals("rwx------", permissions(root));
        assertEquals("rw-------", permissions(salt));
        assertEquals("rw-------", permissions(aside));
        assertEquals("rwx------", permissions(jna));
        assertEquals("rw-------", permissions(predictor));
        assertEquals("rw-r--r--", permissions(notOurs), "only the server's own files are changed");
        assertEquals("rw-r--r--", permissions(elsewhere), "a link is not followed out of the directory: " + link);
    }

    @Test
    void aFolderOfTheUsersGivenAsTheDataDirectoryKeepsItsPermissions() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home")); // --data-dir ~ by mistake
        Path file = Files.writeString(home.resolve(".profile"), "the user's own");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        new DataDirectory(home);
        assertEquals("rwxr-xr-x", permissions(home));
        assertEquals("rw-r--r--", permissions(file));
        Path empty = Files.createDirectories(tmp.resolve("made-for-us")); // an empty folder is taken as the server's
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rwxr-xr-x"));
        new DataDirectory(empty);
        assertEquals("rwx------", permissions(empty));
    }
}
