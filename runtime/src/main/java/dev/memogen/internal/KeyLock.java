package dev.memogen.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single flight between processes: the process that computes a missing key holds an exclusive
 * {@link FileLock} on one byte of {@code <dir>/keylocks} (the key's stripe, one of 2^20); the
 * others find it held and wait for the entry to appear. The operating system releases the locks
 * of a process that dies, so a killed process never blocks the rest; a stuck one does until
 * their timeout. Two keys that share a stripe only wait for each other.
 *
 * <p>Why one file of byte-range locks rather than a lock file per key: on Linux, Java's file
 * locks are POSIX record locks, which a process loses on <em>every</em> lock of a file as soon
 * as it closes <em>any</em> descriptor of that file; and deleting per-key lock files races with
 * processes about to lock them. The stripe file is never deleted, never read, and each JVM keeps
 * exactly one channel on it open for good.
 */
final class KeyLock {
    static final int STRIPES = 1 << 20;

    private static final ConcurrentHashMap<Path, Stripes> FILES = new ConcurrentHashMap<>();

    private static final class Stripes {
        final Path file;
        private FileChannel channel; // guarded by this

        Stripes(Path file) {
            this.file = file;
        }

        synchronized FileChannel channel() throws IOException {
            if (channel == null || !channel.isOpen()) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            return channel;
        }
    }

    private final FileLock lock;

    private KeyLock(FileLock lock) {
        this.lock = lock;
    }

    /**
     * The lock of the key's stripe in {@code file} if no other process (nor another flight of
     * this JVM) holds it, else {@code null}. Never blocks.
     */
    static KeyLock tryAcquire(Path file, long fn, long k0, long k1) throws IOException {
        Stripes stripes = FILES.computeIfAbsent(file.toAbsolutePath().normalize(), Stripes::new);
        long stripe = StoreIndex.mix(fn, k0, k1) & (STRIPES - 1);
        FileLock l;
        try {
            l = stripes.channel().tryLock(stripe, 1, false); // tryLock: an interrupt cannot close the channel
        } catch (OverlappingFileLockException e) {
            return null; // a flight of this JVM holds the stripe
        }
        return l == null ? null : new KeyLock(l);
    }

    void release() {
        try {
            lock.release();
        } catch (IOException e) {
            // a closed channel has released it already
        }
    }
}
