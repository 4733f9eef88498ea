package dev.warmup.server.usage;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.store.DataDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * Salted SHA-256 of document URIs: the store can tell two documents apart without ever holding their names. The
 * salt is random per installation, kept in the data directory (user-only from the moment it is created).
 */
public final class UriHasher {
    private static final Logger LOG = Logger.getLogger(UriHasher.class.getName());
    static final int SALT_BYTES = 32;
    /** A salt file longer than this is damage: the server writes {@value #SALT_BYTES} bytes. */
    static final int MAX_SALT_BYTES = 4096;
    private final byte[] salt;

    public UriHasher(byte[] salt) {
        this.salt = salt.clone();
    }

    /**
     * Loads the installation's salt from {@code file}, creating it on first use. A damaged one (too short: a write
     * cut off; or far too long, which read whole could run the server out of memory) is moved aside and replaced,
     * with WMP-7005: documents hashed before then no longer match, but the server starts (before, it could not).
     * One that cannot be read or made (a full disk) gives this session a salt of its own, with WMP-7008 (before, the
     * server died at its start).
     */
    public static UriHasher fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            long size = Files.size(file);
            if (size < 16 || size > MAX_SALT_BYTES) {
                Path aside = DataDirectory.asideName(file);
                Files.move(file, aside);
                LOG.warning(new WarmupException(ErrorCode.WMP_7005, file + " held " + size + " bytes; moved to "
                        + aside + " and a new salt made").getMessage());
                create(file);
            }
            return new UriHasher(Files.readAllBytes(file));
        } catch (IOException e) {
            LOG.warning(new WarmupException(ErrorCode.WMP_7008, file + " cannot be read or made (" + e
                    + "): this session's documents are hashed with a salt kept in memory").getMessage());
            return new UriHasher(randomSalt());
        }
    }

    private static byte[] randomSalt() {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        return salt;
    }

    /**
     * A fresh random salt at {@code file}, readable by the user only from its creation (not after a write), unless
     * another server made one first (an editor window each, started together): then theirs stands. Written whole
     * beside it and linked into place, so that no server ever reads half a salt or replaces another's.
     */
    private static void create(Path file) throws IOException {
        byte[] fresh = randomSalt();
        Path tmp = DataDirectory.tempBeside(file);
        try {
            Files.write(tmp, fresh);
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException theirs) {
                // made by another server meanwhile
            } catch (UnsupportedOperationException | IOException noLinks) { // a file system without hard links
                try {
                    Files.move(tmp, file);
                } catch (FileAlreadyExistsException theirs) {
                    // made by another server meanwhile
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** First 16 hex digits of SHA-256(salt || uri); null for a null URI. */
    public String hash(String uri) {
        if (uri == null) {
            return null;
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt);
            byte[] digest = md.digest(uri.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
