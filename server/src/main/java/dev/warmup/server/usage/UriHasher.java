package dev.warmup.server.usage;

import dev.warmup.server.store.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Salted SHA-256 of document URIs: the store can tell two documents apart without ever holding their names. The
 * salt is random per installation, kept in the data directory (user-only).
 */
public final class UriHasher {
    private final byte[] salt;

    public UriHasher(byte[] salt) {
        this.salt = salt.clone();
    }

    /** Loads the installation's salt from {@code file}, creating it on first use. */
    public static UriHasher fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Files.write(file, fresh);
                DataDirectory.restrict(file, false);
            }
            byte[] salt = Files.readAllBytes(file);
            if (salt.length < 16) {
                throw new IOException("salt file " + file + " is too short");
            }
            return new UriHasher(salt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
