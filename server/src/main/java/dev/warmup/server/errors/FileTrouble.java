package dev.warmup.server.errors;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Why a file could not be used, in words, for a message that names the file already: a file system's exception
 * names only a path ({@code NoSuchFileException} with the folder that could not be made), and Java's file streams
 * say {@code PATH (reason)}.
 */
public final class FileTrouble {
    private FileTrouble() {}

    /** What {@code e} says went wrong with {@code file}, without repeating its path. */
    public static String why(Exception e, Path file) {
        if (e instanceof FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason() : unexplained(f);
            boolean another = f.getFile() != null && !f.getFile().equals(file.toString())
                    && !file.toString().equals(f.getOtherFile()); // a move onto the file fails on its source
            return another ? reason + " (" + f.getFile() + ")" : reason;
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String said = file + " (";
        if (m.startsWith(said) && m.endsWith(")")) {
            return m.substring(said.length(), m.length() - 1);
        }
        return m.equals(file.toString()) ? e.getClass().getSimpleName() : m;
    }

    /** In words, the trouble of a file system exception that gives no reason, only its type. */
    private static String unexplained(FileSystemException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        } else if (e instanceof DirectoryNotEmptyException) {
            return "a directory, not empty";
        } else if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        } else if (e instanceof FileAlreadyExistsException) {
            return "something already exists there";
        }
        return e.getClass().getSimpleName();
    }
}
