package dev.memogen.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file that another process replaces the way the store replaces its small files (a new file
 * written beside it, renamed over the name: function names, counts) is opened as the file it is,
 * whatever moment the rename falls in. A rename between the open's last two looks at the name
 * (by its path, then in the directory it was opened in) once made the open report a link on the
 * path, which callers take for damage (a warning, the file written again): seen in
 * {@code FunctionCountsTest.theCountsOfSeparateJvmsAddUp}, two JVMs noting the same function.
 */
class StoreFilesRenameRaceTest {
    @TempDir
    Path dir;

    @AfterEach
    void noRace() {
        StoreFiles.betweenLooks = null;
    }

    private static void replace(Path file, byte b) {
        try {
            Path fresh = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(fresh, new byte[] {b});
            Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte readFirst(Path file) throws IOException {
        try (FileChannel ch = StoreFiles.open(dir, file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            assertEquals(1, ch.read(b), "a whole file of one byte");
            return b.get(0);
        }
    }

    @Test
    void aFileRenamedOverBetweenTheOpensLooksIsOpenedAgain() throws Exception {
        Path file = Files.createDirectories(dir.resolve("functions")).resolve("names");
        Files.write(file, new byte[] {1});
        AtomicInteger renames = new AtomicInteger();
        StoreFiles.betweenLooks = path -> {
            if (path.equals(file) && renames.getAndIncrement() == 0) {
                replace(file, (byte) 2); // once: another process notes a new version meanwhile
            }
        };
        assertEquals(2, readFirst(file), "the file now under the name");
        assertEquals(2, renames.get(), "looked at twice: opened again after the rename");
    }

    @Test
    void aNameReplacedAtEveryLookIsStillRefused() throws Exception {
        Path file = Files.createDirectories(dir.resolve("functions")).resolve("names");
        Files.write(file, new byte[] {1});
        AtomicInteger renames = new AtomicInteger();
        StoreFiles.betweenLooks = path -> replace(file, (byte) renames.incrementAndGet());
        assertThrows(StoreFiles.NotPlain.class, () -> readFirst(file));
        assertEquals(3, renames.get(), "three attempts");
    }
}
