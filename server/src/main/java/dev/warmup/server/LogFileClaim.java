package dev.warmup.server;

import dev.warmup.server.store.DataDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The log file this server writes: the one named, or {@code FILE.1}, {@code FILE.2}, … while other servers write
 * those (an IDE with two projects open runs a server for each, and passes both the same file). Left to itself,
 * {@link java.util.logging.FileHandler} would move to {@code FILE.1} too, but create it with the umask's permissions;
 * so the server claims a name first, with a lock on {@code NAME.owner} held for its life, and makes the file
 * readable by the user only before the handler opens it.
 */
final class LogFileClaim {
    private static final int MAX_SERVERS = 100;

    private final Path file;
    private final FileChannel channel; // its lock is the claim: referenced for the process's life

    private LogFileClaim(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Claims {@code wanted} or the first free {@code wanted.N}, made user-only; held until the process exits. */
    static LogFileClaim claim(Path wanted) throws IOException {
        for (int n = 0; n < MAX_SERVERS; n++) {
            Path candidate = n == 0 ? wanted : wanted.resolveSibling(wanted.getFileName() + "." + n);
            Path owner = candidate.resolveSibling(candidate.getFileName() + ".owner"); // empty; kept, as locks are
            try {
                DataDirectory.createUserOnly(owner);
            } catch (FileAlreadyExistsException made) {
                // by this server's last run, or another's
            }
            FileChannel ch = FileChannel.open(owner, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException inThisProcess) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                continue;
            }
            if (Files.exists(candidate)) {
                DataDirectory.restrict(candidate, false); // one made before, perhaps by another version
            } else {
                DataDirectory.createUserOnly(candidate);
            }
            return new LogFileClaim(candidate, ch);
        }
        throw new IOException(MAX_SERVERS + " servers already write " + wanted + " and its numbered siblings");
    }

    /** The file to log to. */
    Path file() {
        return file;
    }
}
