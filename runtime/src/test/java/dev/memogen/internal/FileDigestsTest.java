package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a file is read to digest it: once per content, found again by its {@code stat} in this JVM
 * and, in a JVM that has not seen it, in the store; read again when its content may have changed
 * (its stat differs, or it was modified within the racy window of its hashing).
 */
class FileDigestsTest {
    @TempDir Path dir;

    private static long read(Runnable digesting) {
        long before = FileDigests.BYTES_READ.sum();
        digesting.run();
        return FileDigests.BYTES_READ.sum() - before;
    }

    @Test
    void anUnchangedFileIsReadOnceAndThenFoundInMemoryOrTheStore() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        MemoRuntime.get();
        Path data = dir.resolve("data.bin");
        Files.write(data, new byte[100_000]);
        FileTime past = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        Files.setLastModifiedTime(data, past);
        FileDigests.Digest[] first = new FileDigests.Digest[1];
        assertEquals(100_000, read(() -> first[0] = FileDigests.of(data)));
        assertEquals(0, read(() -> assertEquals(first[0], FileDigests.of(data))), "known in this JVM: a stat");
        FileDigests.forgetKnown(); // as a new JVM
        assertEquals(0, read(() -> assertEquals(first[0], FileDigests.of(data))), "found in the store");
        byte[] changed = new byte[100_000];
        changed[50_000] = 1;
        Files.write(data, changed); // same size
        Files.setLastModifiedTime(data, past); // and time: the change time moved
        FileDigests.Digest[] second = new FileDigests.Digest[1];
        assertEquals(100_000, read(() -> second[0] = FileDigests.of(data)));
        assertNotEquals(first[0], second[0]);
    }

    @Test
    void aFileModifiedWithinTheRacyWindowIsReadAgainAtEachCall() throws Exception {
        Memogen.configure(MemogenSettings.at(dir.resolve("store")));
        MemoRuntime.get();
        Path fresh = dir.resolve("fresh.txt");
        Files.writeString(fresh, "just written");
        assertEquals(12, read(() -> FileDigests.of(fresh)));
        assertEquals(12, read(() -> FileDigests.of(fresh)), "racily clean: not trusted yet");
        FileDigests.forgetKnown();
        assertEquals(12, read(() -> FileDigests.of(fresh)), "nor kept in the store");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 20, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoIsNeverOpenedAloneOrInATree() throws Exception {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree);
        Path fifo = tree.resolve("pipe");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no mkfifo here");
            return;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo failed");
        FileDigests.Digest alone = FileDigests.of(fifo); // opening it would wait for a writer
        assertEquals(FileDigests.UNREADABLE, alone.kind(), "what a FIFO holds cannot be read without taking it");
        assertNotEquals(alone, FileDigests.of(fifo), "never a hit");
        Files.writeString(tree.resolve("data.txt"), "x");
        FileDigests.Digest withPipe = FileDigests.of(tree);
        assertEquals(FileDigests.DIRECTORY, withPipe.kind());
        assertEquals(withPipe, FileDigests.of(tree), "a tree with a FIFO in it: by its name and kind, the same each time");
    }

    @Test
    void aDirectoryHoldingTheStoreIsDigestedWithoutIt() throws Exception {
        Path project = dir.resolve("project");
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("src/a.txt"), "a");
        Memogen.configure(MemogenSettings.at(project.resolve(".memogen")));
        MemoRuntime.get();
        FileDigests.Digest before = FileDigests.of(project);
        FileDigests.forgetKnown();
        // The store changes as results are written: a file in it, another entry's directory.
        Files.createDirectories(project.resolve(".memogen/objects/ab"));
        Files.writeString(project.resolve(".memogen/objects/ab/entry"), "written meanwhile");
        assertEquals(before, FileDigests.of(project), "the store is left out of the tree");
        FileDigests.forgetKnown();
        Files.writeString(project.resolve("src/b.txt"), "b");
        assertNotEquals(before, FileDigests.of(project), "the rest of the tree counts");
    }
}
