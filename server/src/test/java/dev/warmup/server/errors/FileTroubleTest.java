package dev.warmup.server.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Why a file could not be used, in words, from what the file system really throws. */
class FileTroubleTest {
    @TempDir Path dir;

    @Test
    void aMoveOntoTheFileGivesTheReasonWithoutTheSourceItFailedOn() throws Exception {
        Path file = Files.createDirectories(dir.resolve("predictor.json").resolve("in-the-way")).getParent();
        Path tmp = Files.writeString(dir.resolve(".predictor.json-1.tmp"), "{}");
        IOException e = assertThrows(IOException.class,
                () -> Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE));
        assertEquals("Is a directory", FileTrouble.why(e, file));
    }

    @Test
    void exceptionsWithoutAReasonAreSaidInWordsAndAnotherPathIsNamed() throws Exception {
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("inside"), "x");
        assertEquals("a directory, not empty", FileTrouble.why(assertThrows(IOException.class,
                () -> Files.delete(full)), full));
        Path missing = dir.resolve("no-such-folder").resolve("trace.jsonl");
        assertEquals("no such file or directory", FileTrouble.why(assertThrows(IOException.class,
                () -> Files.delete(missing)), missing));
        Path taken = Files.writeString(dir.resolve("taken"), "x");
        assertEquals("something already exists there", FileTrouble.why(assertThrows(IOException.class,
                () -> Files.createFile(taken)), taken));
        Path inMissing = dir.resolve("gone").resolve("out.jsonl");
        assertEquals("no such file or directory (" + inMissing + ")", FileTrouble.why(assertThrows(IOException.class,
                () -> Files.writeString(inMissing, "x")), dir.resolve("out.jsonl")));
    }

    @Test
    void aJavaStreamsPathAndReasonGivesTheReason() {
        Path folder = dir;
        IOException e = assertThrows(IOException.class, () -> new FileOutputStream(folder.toFile()).close());
        assertEquals("Is a directory", FileTrouble.why(e, folder));
    }
}
