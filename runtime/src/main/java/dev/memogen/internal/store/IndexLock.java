package dev.memogen.internal.store;

import static dev.memogen.internal.store.IndexHeader.H_ASKED;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The index lock, under which every change of the index is made ({@link StoreIndex}): a
 * {@link ReentrantLock} between the threads of this JVM plus a {@link FileLock} on
 * {@code <dir>/index.lock} between processes, one {@link DirectoryLock} per index file for the
 * whole JVM. The file lock is kept after a change for the next one until another process asks for
 * it through the header's {@code asked} word ({@link IndexHeader#H_ASKED}), or it has been idle
 * or kept long enough. See {@code docs/store-format.md}, "The index".
 */
final class IndexLock {
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** One lock per index file for the whole JVM: {@link FileLock}s are held per process. */
    private static final ConcurrentHashMap<Path, DirectoryLock> LOCKS = new ConcurrentHashMap<>();

    /**
     * The index lock of one index file in this JVM: a {@link ReentrantLock} between threads, and a
     * {@link FileLock} on the lock file between processes. Taking and releasing the file lock is an
     * {@code fcntl(2)} pair, measured at about a quarter of a 1 KiB store miss; so after a change
     * the file lock is kept, for the next change of any thread here, until another process asks
     * for it ({@link IndexHeader#H_ASKED}), until it has been idle for {@code memogen.lockHold},
     * or, at the latest, {@link #KEEP_AT_MOST_HOLDS} holds after it was taken. The {@link Releaser} thread
     * lets go of an idle one. A process that dies keeping it loses it to the OS as before, between
     * changes, with {@code dirty} clear.
     */
    private static final class DirectoryLock {
        final ReentrantLock inJvm = new ReentrantLock();
        final Path file;
        FileChannel channel; // guarded by inJvm
        FileLock held; // guarded by inJvm
        /** When {@link #held} was taken ({@link System#nanoTime}); guarded by inJvm. */
        long takenAt;
        /** {@link #held} is kept between changes: when the last ended, for how long, and where others ask; guarded by inJvm. */
        boolean kept;
        long lastChange;
        long holdNanos;
        MappedByteBuffer askedIn;
        /** Until when every change releases the file lock as it ends: another process wanted it; guarded by inJvm. */
        long sharingUntil;
        /**
         * The last wait for the file lock ran out ({@link #WAIT_AT_MOST_NANOS}): its keeper is stopped
         * or hung. Until the file lock is got again, a change tries once and gives up at once
         * ({@link Busy}) instead of waiting again; guarded by inJvm.
         */
        boolean stalled;
        /** The header mapped to ask through while {@link #stalled}: not mapped again for every change; guarded by inJvm. */
        MappedByteBuffer stalledAskVia;

        DirectoryLock(Path file) {
            this.file = file;
            this.sharingUntil = System.nanoTime();
        }

        /** Whether the file lock must go now rather than be kept for the next change. */
        boolean mustRelease(long now) {
            return held == null || holdNanos <= 0 || askedIn == null || now - sharingUntil < 0
                    || now - lastChange >= holdNanos || keptLongest(now) || asked();
        }

        /** Another process asked for the file lock. */
        private boolean asked() {
            return askedIn != null && (long) LONG.getOpaque(askedIn, H_ASKED) != 0;
        }

        /** The file lock has been kept for {@link #KEEP_AT_MOST_HOLDS} holds (never, when nothing is kept). */
        private boolean keptLongest(long now) {
            return holdNanos > 0 && now - takenAt >= KEEP_AT_MOST_HOLDS * holdNanos;
        }

        /** Releases the file lock; after a request or a long keep, later changes release it at once for a while. */
        void release(long now) {
            kept = false;
            if (asked() || (askedIn != null && keptLongest(now))) {
                LONG.setOpaque(askedIn, H_ASKED, 0L);
                sharingUntil = now + SHARE_FOR_HOLDS * holdNanos;
            }
            try {
                FileLock l = held;
                held = null;
                if (l != null && l.isValid()) {
                    l.release();
                }
            } catch (IOException e) {
                // The channel is broken; closing it releases the lock, and the next lock() reopens it.
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    /**
     * The longest a change waits for the file lock (or {@code memogen.lockTimeout}, when shorter).
     * A live keeper lets go within about a millisecond of being asked, and a change under it lasts
     * microseconds (a rebuild of a large index, seconds); a keeper that has not let go after this
     * long is stopped (SIGSTOP, a debugger) or hung, and waiting longer would stall this process
     * with it. The change is then given up ({@link Busy}): a result is not stored, a call still
     * returns its value.
     */
    static final long WAIT_AT_MOST_NANOS = 1_000_000_000L;

    /**
     * The index lock could not be had: another process kept it for {@link #WAIT_AT_MOST_NANOS}
     * (or this JVM's last wait ran out and the lock is still taken). The change was not made.
     */
    static final class Busy extends IOException {
        private static final long serialVersionUID = 1L;

        Busy(String message) {
            super(message);
        }

        /** Warns once that changes are given up while the lock stays taken. */
        void warn(Reports reports) {
            reports.warnOnce("busy", getMessage() + "; results are not stored, and the index not updated, until it lets go",
                    null);
        }
    }

    /** A kept file lock goes at the latest this many holds after it was taken: a process that cannot ask still gets in. */
    static final long KEEP_AT_MOST_HOLDS = 100;
    /** After another process asked, or after the longest keep, changes release the file lock for this many holds. */
    static final long SHARE_FOR_HOLDS = 10;

    /**
     * The daemon thread that releases the file locks this JVM keeps once they are idle or asked
     * for (looking every {@link #LOOK_EVERY_NANOS}); it ends after {@link #LINGER_NANOS} with
     * none kept, and starts again with the next.
     */
    private static final class Releaser implements Runnable {
        static final long LOOK_EVERY_NANOS = 1_000_000L;
        static final long LINGER_NANOS = 10_000_000_000L;
        private static final java.util.Set<DirectoryLock> KEPT = ConcurrentHashMap.newKeySet();
        private static Thread thread; // guarded by Releaser.class

        /** Called under {@code l.inJvm} as a change ends and keeps the file lock. */
        static void keep(DirectoryLock l) {
            if (l.kept) {
                return; // already watched
            }
            l.kept = true;
            KEPT.add(l);
            synchronized (Releaser.class) {
                if (thread == null) {
                    thread = Daemons.start(new Releaser(), "memogen-index-lock");
                } else {
                    LockSupport.unpark(thread);
                }
            }
        }

        @Override
        @SuppressWarnings("ModifyCollectionInEnhancedForLoop") // KEPT is a concurrent set: its iterator tolerates removal
        public void run() {
            long emptySince = System.nanoTime();
            while (true) {
                try {
                    for (DirectoryLock l : KEPT) {
                        if (!l.inJvm.tryLock()) {
                            continue; // a change is under way; it decides as it ends
                        }
                        try {
                            long now = System.nanoTime();
                            if (!l.kept) {
                                KEPT.remove(l);
                            } else if (l.mustRelease(now)) {
                                l.release(now);
                                KEPT.remove(l);
                            }
                        } finally {
                            l.inJvm.unlock();
                        }
                    }
                    if (!KEPT.isEmpty()) {
                        emptySince = System.nanoTime();
                        LockSupport.parkNanos(LOOK_EVERY_NANOS);
                        continue;
                    }
                    synchronized (Releaser.class) {
                        if (KEPT.isEmpty() && System.nanoTime() - emptySince >= LINGER_NANOS) {
                            thread = null;
                            return;
                        }
                    }
                    LockSupport.parkNanos(LINGER_NANOS);
                } catch (Throwable e) {
                    // A fault of a mapping of an index cut short by hand (docs/store-format.md,
                    // "Damage"), thrown here: the thread must go on, or kept locks would stay.
                    LockSupport.parkNanos(LOOK_EVERY_NANOS);
                }
            }
        }
    }

    /** The index file (not the lock file): its header is where a waiting process asks. */
    private final Path file;
    /** The index as this process maps it, whose header carries the {@code asked} word. */
    private final SlotTable table;
    private final DirectoryLock lock;
    /** How long a change waits for the file lock: {@link #WAIT_AT_MOST_NANOS}, or {@code memogen.lockTimeout} when shorter. */
    private final long waitNanos;
    /** {@code memogen.lockHold}: how long the file lock is kept after a change while idle and not asked for. */
    private final long lockHoldNanos;

    /** The lock of the index at {@code file}, whose lock file is {@code <file>.lock}. */
    IndexLock(Path file, SlotTable table, long lockTimeoutNanos, long lockHoldNanos) {
        this.file = file;
        this.table = table;
        this.waitNanos = Math.min(lockTimeoutNanos, WAIT_AT_MOST_NANOS);
        this.lockHoldNanos = Math.min(lockHoldNanos, TimeUnit.DAYS.toNanos(1)); // longer is no different; 100 holds must not overflow
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock").toAbsolutePath().normalize();
        DirectoryLock known = LOCKS.get(lockFile); // not computeIfAbsent and a method reference: no lambda on the first hit
        if (known == null) {
            DirectoryLock made = new DirectoryLock(lockFile);
            known = LOCKS.putIfAbsent(lockFile, made);
            if (known == null) {
                known = made;
            }
        }
        this.lock = known;
    }

    /**
     * Takes the index lock: this JVM's, then the file lock (kept since this JVM's last change, or
     * taken now, asking its keeper to let go); throws {@link Busy} when another process kept it for
     * {@link #WAIT_AT_MOST_NANOS} (or {@code memogen.lockTimeout}, when shorter), and, after such a
     * wait and until the file lock is got again, when it cannot be taken at the first try: a
     * stopped keeper costs each process one wait, not one per change.
     */
    void lock() throws IOException {
        DirectoryLock l = lock;
        l.inJvm.lock();
        boolean held = false;
        try {
            if (l.held != null && l.held.isValid()) {
                held = true; // kept since this JVM's last change
                return;
            }
            l.held = null;
            l.kept = false;
            long deadline = System.nanoTime() + (l.stalled ? 0 : waitNanos);
            long pause = 10_000;
            MappedByteBuffer askVia = l.stalled ? l.stalledAskVia : null;
            while (true) {
                FileChannel ch = l.channel;
                if (ch == null || !ch.isOpen()) {
                    Files.createDirectories(l.file.getParent());
                    ch = StoreFiles.openReplacing(l.file.getParent(), l.file, null, StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                    l.channel = ch;
                }
                FileLock got;
                try {
                    got = ch.tryLock(); // tryLock, not lock: an interrupt must not close the shared channel
                } catch (OverlappingFileLockException e) {
                    got = null; // cannot happen under inJvm; treated as busy
                }
                if (got != null) {
                    l.held = got;
                    l.stalled = false;
                    l.stalledAskVia = null;
                    l.takenAt = System.nanoTime();
                    MappedByteBuffer m = askVia != null ? askVia : table.mapping();
                    if (m != null && (long) LONG.getOpaque(m, H_ASKED) != 0) {
                        LONG.setOpaque(m, H_ASKED, 0L); // answered (a process that still waits asks again)
                    }
                    held = true;
                    return;
                }
                if (askVia == null) {
                    // Asked through a header mapped now, not this index's mapping: a store that is
                    // opening has none yet, and the file may have been created again meanwhile.
                    askVia = headerToAskThrough();
                }
                if (askVia != null) {
                    LONG.setOpaque(askVia, H_ASKED, ThisProcess.pid()); // another process may be keeping it
                }
                if (System.nanoTime() - deadline >= 0) {
                    boolean before = l.stalled;
                    l.stalled = true;
                    l.stalledAskVia = askVia;
                    throw new Busy("the store index " + file + " is locked by another process that has not let go "
                            + (before ? "since" : "for") + " a wait of "
                            + TimeUnit.NANOSECONDS.toMillis(waitNanos)
                            + " ms (stopped or hung?)");
                }
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, 2_000_000);
            }
        } finally {
            if (!held) {
                l.inJvm.unlock();
            }
        }
    }

    /** The index file's header mapped, to ask the process keeping the lock to let go; null when there is none. */
    private MappedByteBuffer headerToAskThrough() {
        try (FileChannel ch = StoreFiles.open(file.getParent(), file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.size() < IndexHeader.BYTES ? null : ch.map(FileChannel.MapMode.READ_WRITE, 0, IndexHeader.BYTES);
        } catch (IOException | RuntimeException e) {
            return null; // not there (yet), or not writable: the keeper lets go when idle
        }
    }

    /** Ends this thread's hold of the lock; the file lock is kept for the next change unless it must go ({@link DirectoryLock}). */
    void unlock() {
        DirectoryLock l = lock;
        try {
            long now = System.nanoTime();
            l.lastChange = now;
            l.holdNanos = lockHoldNanos;
            l.askedIn = table.mapping();
            if (l.mustRelease(now)) {
                l.release(now);
            } else {
                Releaser.keep(l);
            }
        } finally {
            l.inJvm.unlock();
        }
    }
}
