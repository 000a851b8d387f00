package dev.memogen.internal.store;

import dev.memogen.internal.hash.Xxh3Stream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The small sealed files of {@code functions/}: the names ({@link FunctionNames}) and the counts
 * ({@link FunctionCounts}) of each function. Apart from both, so that a JVM adding its counts at
 * exit loads neither the names' code nor the value codec.
 */
final class SealedFiles {
    private SealedFiles() {}

    /**
     * Writes {@code body[0, size)}, then its seal (with {@code key}, its HMAC tag; then the
     * XXH3-128 of everything before it) over {@code target} in {@code functions/}, atomically: a
     * temporary file beside it, renamed.
     */
    static void write(Path root, Path target, byte[] body, int size, StoreKey key, Reports reports)
            throws IOException {
        Xxh3Stream sum = new Xxh3Stream();
        sum.putBytes(body, 0, size);
        javax.crypto.Mac mac = key == null ? null : key.mac();
        if (mac != null) {
            mac.update(body, 0, size);
        }
        byte[] seal = EntryFormat.seal(sum, mac);
        Path tmp = StoreFiles.temporaryFor(target);
        FileChannel ch = StoreFiles.createNew(root, tmp, reports);
        boolean moved = false;
        try {
            try (FileChannel out = ch) {
                ByteBuffer[] parts = {ByteBuffer.wrap(body, 0, size), ByteBuffer.wrap(seal)};
                long total = size + seal.length;
                for (long written = 0; written < total; ) {
                    written += out.write(parts);
                }
            }
            StoreFiles.move(root, tmp, target);
            moved = true;
        } finally {
            if (!moved) {
                StoreFiles.delete(root, tmp);
            }
        }
    }

    /**
     * The bytes of {@code file} below {@code root}, opened without following a link and only if it
     * is a regular file ({@link StoreFiles#open}; else a {@link StoreFiles.NotPlain}); at most
     * {@code max + 1} of them (a longer file is read no further: more than {@code max} is damage);
     * null when there is no file.
     */
    static byte[] readUpTo(Path root, Path file, int max) throws IOException {
        try (FileChannel ch = StoreFiles.open(root, file, StandardOpenOption.READ)) {
            ByteBuffer into = ByteBuffer.allocate((int) Math.min(ch.size(), max + 1L));
            while (into.hasRemaining() && ch.read(into) >= 0) {
                // until full, or the end of a file cut short meanwhile
            }
            return java.util.Arrays.copyOf(into.array(), into.position());
        } catch (StoreFiles.NotPlain e) {
            throw e; // a link or a file of another type: not "no file"
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
