package dev.memogen.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Single flight between processes: the process that computes a missing key holds an exclusive
 * {@link FileLock} on {@code <dir>/locks/<function>-<key>}; the others find it held and wait for
 * the entry to appear. The operating system releases the lock of a process that dies, so a
 * killed process never blocks the rest; a stuck one does until their timeout.
 *
 * <p>The holder deletes the file before releasing it. A process that locked the file just before
 * it was deleted holds a lock on a file no longer at that path; it notices because the path does
 * not hold the token it wrote into the file it locked, and tries again.
 */
final class KeyLock {
    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private KeyLock(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock of {@code path} if no other process (or flight in this JVM) holds it, else {@code null}. */
    static KeyLock tryAcquire(Path path) throws IOException {
        for (int attempt = 0; attempt < 8; attempt++) {
            FileChannel ch;
            try {
                ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                Files.createDirectories(path.getParent());
                continue;
            }
            boolean keep = false;
            try {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null; // another flight of this JVM (a function with the same id) holds it
                }
                if (l == null) {
                    return null;
                }
                byte[] token = (ProcessHandle.current().pid() + " " + Long.toHexString(ThreadLocalRandom.current().nextLong())
                        + "\n").getBytes(StandardCharsets.US_ASCII);
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(token), 0);
                byte[] atPath;
                try {
                    atPath = Files.readAllBytes(path);
                } catch (NoSuchFileException e) {
                    atPath = null;
                }
                if (Arrays.equals(token, atPath)) {
                    keep = true;
                    return new KeyLock(path, ch, l);
                }
                l.release(); // we locked a file its holder had already deleted: try the new one
            } finally {
                if (!keep) {
                    ch.close();
                }
            }
        }
        return null;
    }

    /** Deletes the lock file, then releases the lock. */
    void release() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the next holder reuses the file
        }
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }
}
