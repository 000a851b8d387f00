package dev.memogen.internal.store;

import dev.memogen.internal.hash.Hex;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Metadata of every stored object (size, compute cost, eviction priority) and the store-wide
 * byte total, in one memory-mapped file ({@code <dir>/index}) shared by every process that uses
 * the store. The object files stay the source of truth: the index is a cache of their metadata,
 * rebuilt from them whenever it is found damaged, missing or left half-updated by a killed
 * process. See {@code docs/store-format.md}.
 *
 * <p>The file is an open-addressing hash table (linear probing, backward-shift deletion, no
 * tombstones) of fixed 64-byte slots behind a {@value #HEADER_BYTES}-byte header. Changes to the table (store,
 * delete, evict, rebuild) are made under one lock: a {@link ReentrantLock} inside the JVM plus a
 * {@link FileLock} on {@code <dir>/index.lock} between processes; they are short (a rename, a
 * few slot writes, the deletion of evicted objects). The header's {@code dirty} word is set for
 * the duration of a change: whoever takes the lock and finds it set knows the previous holder
 * died mid-change (the OS released its lock) and rebuilds the index from the object files.
 * Reads of the table (a hit refreshing its entry's priority) take no lock: at worst they miss a
 * slot being moved, which only costs a less accurate priority.
 */
public final class StoreIndex {
    private static final System.Logger LOG = System.getLogger("dev.memogen");
    /** "MGENIDX1" in little-endian byte order. */
    static final long MAGIC = 0x315844494E45474DL;
    static final long VERSION = 3;
    static final int HEADER_BYTES = 192;
    static final int SLOT_BYTES = 64;
    static final int MIN_SLOTS = 1 << 12;
    static final int MAX_SLOTS = 1 << 24;
    /** Entries sampled per eviction; the lowest priority among them is evicted. */
    static final int SAMPLE = 16;

    private static final int H_MAGIC = 0;
    private static final int H_VERSION = 8;
    private static final int H_SLOTS = 16;
    private static final int H_CHECK = 24;
    private static final int H_TOTAL = 32;
    private static final int H_TOTAL_NOT = 40;
    private static final int H_COUNT = 48;
    private static final int H_COUNT_NOT = 56;
    private static final int H_INFLATION = 64;
    private static final int H_DIRTY = 72;
    /** The lowest pack number that may exist (packs below it were compacted away). */
    private static final int H_PACK_FIRST = 80;
    /** The pack records are appended to; 0 before the first. */
    private static final int H_PACK_LAST = 88;
    /** Where the next record goes in the last pack. */
    private static final int H_PACK_TAIL = 96;
    /** Bytes of records in all packs, dead ones included. */
    private static final int H_PACK_USED = 104;
    /** Bytes of the records that index entries refer to. */
    private static final int H_PACK_LIVE = 112;
    /** Size of a new pack, fixed when the index is created. */
    private static final int H_PACK_CAPACITY = 120;
    /**
     * Odd while a change is under way, incremented at its start and its end: a lock-free lookup
     * that found nothing looks again when a change ran meanwhile (a seqlock).
     */
    private static final int H_CHANGES = 128;
    /**
     * A check of the six pack fields, written as each change ends: a tail, pack number or byte
     * count damaged to another plausible value is found when the lock is taken, not used.
     */
    private static final int H_PACK_CHECK = 136;
    /**
     * Set (to its pid) by a process that found the lock file locked: it asks the process that
     * keeps the lock between its changes ({@link DirectoryLock}) to let go. A hint, in no check:
     * damaged, it costs one early release.
     */
    private static final int H_ASKED = 144;

    private static final int S_STATE = 0;
    private static final int S_K0 = 8;
    private static final int S_K1 = 16;
    private static final int S_FN = 24;
    private static final int S_SIZE = 32;
    private static final int S_COST = 40;
    private static final int S_PRIORITY = 48;
    private static final int S_CHECK = 56;

    static final long EMPTY = 0;
    /** "FULLSLOT": a distinctive value, so a damaged state word is recognised. An entry in an object file. */
    static final long FULL = 0x544F4C534C4C5546L;
    /**
     * The top byte of the state of an entry in a pack; the other 56 bits are its location: the
     * pack number (33 bits) and the record's offset in 8-byte units (23 bits, packs of at most
     * 64 MiB).
     */
    private static final long PACKED_TAG = 0xA7L << 56;
    private static final int OFFSET_BITS = 23;
    static final int MAX_PACK_CAPACITY = 64 << 20;
    static final int MIN_PACK_CAPACITY = 2 << 20;

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /**
     * How often a locked change checks that the index file is still the one mapped (not deleted,
     * replaced or cut short by hand; memogen itself only ever changes it in place). Measured: the
     * check by path was a tenth of the time of a 1 KiB store miss when it ran on every change.
     * {@link FlightTable} looks at {@code flights} as often.
     */
    static final long STAT_EVERY_NANOS = 250_000_000L;

    /** One lock per index file for the whole JVM: {@link FileLock}s are held per process. */
    private static final ConcurrentHashMap<Path, DirectoryLock> LOCKS = new ConcurrentHashMap<>();

    /**
     * The index lock of one index file in this JVM: a {@link ReentrantLock} between threads, and a
     * {@link FileLock} on the lock file between processes. Taking and releasing the file lock is an
     * {@code fcntl(2)} pair, measured at about a quarter of a 1 KiB store miss; so after a change
     * the file lock is kept, for the next change of any thread here, until another process asks
     * for it ({@link #H_ASKED}), until it has been idle for {@code memogen.lockHold}, or, at the
     * latest, {@link #KEEP_AT_MOST_HOLDS} holds after it was taken. The {@link Releaser} thread
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
                    thread = new Thread(new Releaser(), "memogen-index-lock");
                    thread.setDaemon(true);
                    thread.setContextClassLoader(null); // holds on to no application's class loader
                    thread.start();
                } else {
                    LockSupport.unpark(thread);
                }
            }
        }

        @Override
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

    /** What the index does to object files: it deletes evicted ones and reads them to rebuild. */
    interface ObjectFiles {
        Path pathOf(long fn, long k0, long k1);

        Path directory();

        /** The pack files (read even when this process writes no new records: packMax 0). */
        Packs packs();
    }

    /** Thrown inside a locked operation that found the table damaged; the index is then rebuilt. */
    private static final class Damaged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Damaged(String what) {
            super(what, null, false, false);
        }
    }

    /** An action run under the index lock (a rename that must happen atomically with the index change). */
    interface LockedIo {
        void run() throws IOException;
    }

    private final Path file;
    private final ObjectFiles objects;
    private final EvictionPolicy policy;
    private final Reports reports;
    private final DirectoryLock lock;
    private final long lockTimeoutNanos;
    /** {@code memogen.lockHold}: how long the file lock is kept after a change while idle and not asked for. */
    private final long lockHoldNanos;
    private volatile long maxBytes;
    /** The index file's identity (inode) when it was mapped: a file re-created by someone else is noticed. */
    private Object fileKey; // guarded by lock
    /**
     * When ({@link System#nanoTime}) a locked change next looks at the file by its path (a
     * {@code stat}): at most every {@link #STAT_EVERY_NANOS}, not on every change; guarded by lock.
     */
    private long statDue;
    private volatile MappedByteBuffer map;
    private volatile int mask;
    /** Set by a lock-free read that saw something odd; the next locked operation checks the table. */
    private volatile boolean suspect;

    private StoreIndex(Path file, ObjectFiles objects, EvictionPolicy policy, Reports reports, long maxBytes,
            long lockTimeoutNanos, long lockHoldNanos) {
        this.file = file;
        this.objects = objects;
        this.policy = policy;
        this.reports = reports;
        this.maxBytes = maxBytes;
        this.lockTimeoutNanos = lockTimeoutNanos;
        this.lockHoldNanos = Math.min(lockHoldNanos, TimeUnit.DAYS.toNanos(1)); // longer is no different; 100 holds must not overflow
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock").toAbsolutePath().normalize();
        this.lock = LOCKS.computeIfAbsent(lockFile, DirectoryLock::new);
    }

    /**
     * Opens (or creates, sized for {@code maxBytes}) the index at {@code file}. Cheap when the
     * index is sound: a header read and a mapping; a damaged or missing index is rebuilt from the
     * object files.
     */
    static StoreIndex open(Path file, ObjectFiles objects, EvictionPolicy policy, Reports reports, long maxBytes,
            long lockTimeoutNanos, long lockHoldNanos) throws IOException {
        StoreIndex index = new StoreIndex(file, objects, policy, reports, maxBytes, lockTimeoutNanos, lockHoldNanos);
        index.lock();
        try {
            index.attach();
            index.ensureSound(); // a damaged header is rebuilt now, not at the first change
        } finally {
            index.unlock();
        }
        return index;
    }

    /**
     * Slots for a store bounded to {@code maxBytes}: room for entries of 2 KiB on average (a small
     * entry still takes a file system block), so the index is about 3% of the bound.
     */
    static int slotsFor(long maxBytes) {
        long wanted = Math.max(MIN_SLOTS, Math.min(MAX_SLOTS, maxBytes / 2048));
        return Integer.highestOneBit((int) wanted);
    }

    int slots() {
        return mask + 1;
    }

    /** Entries beyond this count are evicted like bytes beyond the bound: the table stays at most 3/4 full. */
    long maxEntries() {
        return (long) slots() * 3 / 4;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public void setMaxBytes(long value) {
        this.maxBytes = value;
    }

    /** The byte total of indexed objects (lock-free read; exact when no change is under way). */
    public long totalBytes() {
        return (long) LONG.getVolatile(map, H_TOTAL);
    }

    public long count() {
        return (long) LONG.getVolatile(map, H_COUNT);
    }

    // ---------------------------------------------------------------- opening and locking

    private void lock() throws IOException {
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
            long deadline = System.nanoTime() + lockTimeoutNanos;
            long pause = 10_000;
            MappedByteBuffer askVia = null;
            while (true) {
                FileChannel ch = l.channel;
                if (ch == null || !ch.isOpen()) {
                    Files.createDirectories(l.file.getParent());
                    ch = FileChannel.open(l.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
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
                    l.takenAt = System.nanoTime();
                    MappedByteBuffer m = askVia != null ? askVia : map;
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
                    LONG.setOpaque(askVia, H_ASKED, ProcessHandle.current().pid()); // another process may be keeping it
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the store index " + file + " stayed locked by another process for "
                            + TimeUnit.NANOSECONDS.toSeconds(lockTimeoutNanos) + " s");
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
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.size() < HEADER_BYTES ? null : ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_BYTES);
        } catch (IOException | RuntimeException e) {
            return null; // not there (yet), or not writable: the keeper lets go when idle
        }
    }

    /** Ends this thread's hold of the lock; the file lock is kept for the next change unless it must go ({@link DirectoryLock}). */
    private void unlock() {
        DirectoryLock l = lock;
        try {
            long now = System.nanoTime();
            l.lastChange = now;
            l.holdNanos = lockHoldNanos;
            l.askedIn = map;
            if (l.mustRelease(now)) {
                l.release(now);
            } else {
                Releaser.keep(l);
            }
        } finally {
            l.inJvm.unlock();
        }
    }

    /**
     * Maps the index file, creating or re-creating it when its header is not sound. Under the lock.
     * The channel is closed once mapped (the mapping stays valid): no descriptor is held.
     */
    private void attach() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            fileKey = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            statDue = System.nanoTime() + STAT_EVERY_NANOS;
            attach(channel);
        }
    }

    private void attach(FileChannel channel) throws IOException {
        long length = channel.size();
        int slots = readSlotsIfSound(channel, length);
        if (slots > 0) {
            mapFor(channel, slots);
            return;
        }
        slots = slotsFor(maxBytes);
        long needed = (long) HEADER_BYTES + (long) slots * SLOT_BYTES;
        if (length < needed) {
            // Written out in full, not sparse: a page of a mapped file that the file system cannot
            // allocate (a full disk) faults the JVM at an arbitrary later point. Allocating it all
            // now turns a full disk into an IOException here, where it is handled.
            writeZeros(channel, length, needed);
        }
        mapFor(channel, slots);
        if (length > 0) {
            reports.event("index", "the store index " + file + " was damaged or unreadable; rebuilt from the objects");
        }
        LONG.setVolatile(map, H_DIRTY, 1L);
        LONG.setVolatile(map, H_MAGIC, MAGIC);
        LONG.setVolatile(map, H_VERSION, VERSION);
        LONG.setVolatile(map, H_SLOTS, (long) slots);
        LONG.setVolatile(map, H_CHECK, headerCheck(slots));
        LONG.setVolatile(map, H_PACK_CAPACITY, (long) packCapacityFor(maxBytes));
        long changes = beginChange();
        rebuild(length == 0);
        endChange(changes);
    }

    /** Writes zeros over {@code [from, to)} of {@code channel}: blocks allocated now, not at a later fault. */
    static void writeZeros(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(0, to - from)));
        for (long at = from; at < to; ) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), to - at));
            at += channel.write(zeros, at);
        }
    }

    /** The slot count of a sound header, or 0. */
    private static int readSlotsIfSound(FileChannel channel, long length) throws IOException {
        if (length < HEADER_BYTES) {
            return 0;
        }
        ByteBuffer head = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        while (head.hasRemaining() && channel.read(head, head.position()) >= 0) {
            // read until full
        }
        if (head.hasRemaining()) {
            return 0;
        }
        long magic = head.getLong(0);
        long version = head.getLong(8);
        long slots = head.getLong(16);
        long check = head.getLong(24);
        if (magic != MAGIC || version != VERSION || slots < MIN_SLOTS || slots > MAX_SLOTS
                || Long.bitCount(slots) != 1 || check != headerCheck((int) slots)
                || length < HEADER_BYTES + slots * SLOT_BYTES) {
            return 0;
        }
        return (int) slots;
    }

    private void mapFor(FileChannel channel, int slots) throws IOException {
        MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) HEADER_BYTES + (long) slots * SLOT_BYTES);
        m.order(ByteOrder.LITTLE_ENDIAN);
        this.map = m;
        this.mask = slots - 1;
    }

    /** Packs of a 32nd of the bound, a power of two from 2 MiB to 32 MiB (for the default 1 GiB). */
    static int packCapacityFor(long maxBytes) {
        long wanted = Math.max(MIN_PACK_CAPACITY, Math.min(MAX_PACK_CAPACITY / 2, maxBytes / 32));
        return Integer.highestOneBit((int) wanted);
    }

    private static long headerCheck(int slots) {
        return mix(MAGIC ^ VERSION, slots, 0x6D656D6F67656EL);
    }

    /**
     * Runs {@code op} under the lock, with the dirty mark set. Finds a half-done change of a dead
     * process, a damaged header or (when a lock-free read was suspicious, or {@code op} trips over
     * it) a damaged slot, and rebuilds the index from the objects before going on.
     */
    private <R> R locked(LockedOp<R> op) throws IOException {
        lock();
        try {
            try {
                return lockedOnce(op);
            } catch (InternalError e) {
                // A fault of the mapping: the file was cut short by hand since the last look at it
                // (STAT_EVERY_NANOS). Look now (it is mapped afresh, and rebuilt), and start over.
                reports.event("index", "the store index " + file + " was cut short; rebuilt from the objects");
                statDue = System.nanoTime();
                try {
                    return lockedOnce(op);
                } catch (InternalError again) {
                    throw new IOException("the store index " + file + " keeps being cut short", again);
                }
            }
        } finally {
            unlock();
        }
    }

    private <R> R lockedOnce(LockedOp<R> op) throws IOException {
        ensureSound();
        LONG.setVolatile(map, H_DIRTY, ProcessHandle.current().pid());
        long changes = beginChange();
        R result;
        try {
            result = op.run();
        } catch (Damaged d) {
            reports.event("index", "the store index " + file + " is damaged (" + d.getMessage()
                    + "); rebuilt from the objects");
            rebuild(false);
            result = op.run();
        }
        endChange(changes);
        return result;
    }

    /** Makes the change counter odd (it may be odd already: a process died in a change). */
    private long beginChange() {
        long odd = (long) LONG.getVolatile(map, H_CHANGES) | 1;
        LONG.setVolatile(map, H_CHANGES, odd);
        return odd;
    }

    /** Ends a change: the pack fields sealed ({@link #H_PACK_CHECK}), the counter even again, {@code dirty} cleared. */
    private void endChange(long odd) {
        sealPackFields();
        LONG.setVolatile(map, H_CHANGES, odd + 1);
        LONG.setVolatile(map, H_DIRTY, 0L);
    }

    private interface LockedOp<R> {
        R run() throws IOException;
    }

    /** Under the lock: the header is sound and no change was left half done; else rebuild. */
    private void ensureSound() throws IOException {
        long time = System.nanoTime();
        boolean replaced = false;
        if (time - statDue >= 0) {
            java.nio.file.attribute.BasicFileAttributes now;
            try {
                now = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                now = null;
            }
            replaced = now == null || !java.util.Objects.equals(now.fileKey(), fileKey)
                    || now.size() < (long) HEADER_BYTES + (long) slots() * SLOT_BYTES;
            statDue = time + STAT_EVERY_NANOS;
        }
        if (replaced
                || (long) LONG.getVolatile(map, H_MAGIC) != MAGIC || (long) LONG.getVolatile(map, H_VERSION) != VERSION
                || (long) LONG.getVolatile(map, H_SLOTS) != slots()
                || (long) LONG.getVolatile(map, H_CHECK) != headerCheck(slots())) {
            // Deleted, re-created, truncated or overwritten: map it again (and rebuild it if it is not sound).
            attach();
        }
        long dirty = (long) LONG.getVolatile(map, H_DIRTY);
        long total = (long) LONG.getVolatile(map, H_TOTAL);
        long count = (long) LONG.getVolatile(map, H_COUNT);
        String why = null;
        if (dirty != 0) {
            why = "a process (pid " + dirty + ") stopped in the middle of changing it";
        } else if (total != ~(long) LONG.getVolatile(map, H_TOTAL_NOT) || total < 0) {
            why = "its byte total is damaged";
        } else if (count != ~(long) LONG.getVolatile(map, H_COUNT_NOT) || count < 0 || count > slots()) {
            why = "its entry count is damaged";
        } else if (Double.isNaN(inflation()) || inflation() < 0) {
            why = "its inflation value is damaged";
        } else if (!packHeaderSound(total)) {
            why = "its pack fields are damaged";
        } else if (suspect && !tableSound()) {
            why = "a slot is damaged";
        }
        suspect = false;
        if (why != null) {
            LONG.setVolatile(map, H_DIRTY, 1L);
            reports.event("index", "the store index " + file + " was not sound (" + why + "); rebuilt from the objects");
            long changes = beginChange();
            rebuild(false);
            endChange(changes);
        }
    }

    private long packCheck() {
        return packCheck(header(H_PACK_FIRST), header(H_PACK_LAST), header(H_PACK_TAIL), header(H_PACK_USED),
                header(H_PACK_LIVE), header(H_PACK_CAPACITY));
    }

    /** The check of the pack fields, in the order of the header (offsets 80 to 120). */
    static long packCheck(long first, long last, long tail, long used, long live, long capacity) {
        return mix(capacity ^ Long.rotateLeft(first, 17), last ^ Long.rotateLeft(tail, 29), used ^ Long.rotateLeft(live, 41));
    }

    /** Under the lock, as a change ends: the pack fields' check, see {@link #H_PACK_CHECK}. */
    private void sealPackFields() {
        setHeader(H_PACK_CHECK, packCheck());
    }

    private boolean packHeaderSound(long total) {
        if (header(H_PACK_CHECK) != packCheck()) {
            return false;
        }
        long capacity = (long) LONG.getVolatile(map, H_PACK_CAPACITY);
        long first = (long) LONG.getVolatile(map, H_PACK_FIRST);
        long last = (long) LONG.getVolatile(map, H_PACK_LAST);
        long tail = (long) LONG.getVolatile(map, H_PACK_TAIL);
        long used = (long) LONG.getVolatile(map, H_PACK_USED);
        long live = (long) LONG.getVolatile(map, H_PACK_LIVE);
        return capacity >= MIN_PACK_CAPACITY && capacity <= MAX_PACK_CAPACITY && Long.bitCount(capacity) == 1
                && first >= 1 && last >= first - 1 && last < 1L << 33 && tail >= 0 && tail <= MAX_PACK_CAPACITY
                && (tail & 7) == 0 && (last > 0 || tail == 0) && used >= 0 && live >= 0 && live <= total
                && used <= Math.max(0, last - first + 1) * MAX_PACK_CAPACITY; // each pack holds at most that
    }

    private boolean tableSound() {
        for (int i = 0; i <= mask; i++) {
            if (!slotSound(i)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- slots

    private static int offset(int slot) {
        return HEADER_BYTES + slot * SLOT_BYTES;
    }

    private long get(int slot, int field) {
        return (long) LONG.getVolatile(map, offset(slot) + field);
    }

    private void set(int slot, int field, long value) {
        LONG.setVolatile(map, offset(slot) + field, value);
    }

    private int home(long fn, long k0, long k1) {
        return (int) mix(fn, k0, k1) & mask;
    }

    static long mix(long a, long b, long c) {
        long h = a * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(b, 23) * 0xC2B2AE3D27D4EB4FL ^ Long.rotateLeft(c, 47);
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
    }

    private static long slotCheck(long state, long k0, long k1, long fn, long size, long cost) {
        return mix(k0 ^ size, k1 ^ Long.rotateLeft(cost, 32), fn ^ state);
    }

    /** Whether a slot state is that of an entry in a pack. */
    static boolean isPacked(long state) {
        return (state & 0xFF00_0000_0000_0000L) == PACKED_TAG;
    }

    static long packedState(long pack, int offset) {
        return PACKED_TAG | pack << OFFSET_BITS | (offset >>> 3);
    }

    static long packOf(long state) {
        return (state & ~0xFF00_0000_0000_0000L) >>> OFFSET_BITS;
    }

    static int offsetOf(long state) {
        return (int) (state & ((1L << OFFSET_BITS) - 1)) << 3;
    }

    private static boolean isFull(long state) {
        return state == FULL || isPacked(state) && packOf(state) > 0;
    }

    private boolean slotSound(int slot) {
        long state = get(slot, S_STATE);
        if (state == EMPTY) {
            return get(slot, S_K0) == 0 && get(slot, S_K1) == 0 && get(slot, S_FN) == 0 && get(slot, S_SIZE) == 0
                    && get(slot, S_COST) == 0 && get(slot, S_CHECK) == 0;
        }
        if (!isFull(state)) {
            return false;
        }
        long size = get(slot, S_SIZE);
        long cost = get(slot, S_COST);
        return size > 0 && cost >= 0
                && get(slot, S_CHECK) == slotCheck(state, get(slot, S_K0), get(slot, S_K1), get(slot, S_FN), size, cost);
    }

    /** Under the lock: the slot of the key, or {@code -1 - s} where s is the empty slot to use. */
    private int probeLocked(long fn, long k0, long k1) {
        int i = home(fn, k0, k1);
        for (int n = 0; n <= mask; n++) {
            if (!slotSound(i)) {
                throw new Damaged("slot " + i);
            }
            if (get(i, S_STATE) == EMPTY) {
                return -1 - i;
            }
            if (get(i, S_K0) == k0 && get(i, S_K1) == k1 && get(i, S_FN) == fn) {
                return i;
            }
            i = (i + 1) & mask;
        }
        throw new Damaged("no empty slot");
    }

    /** Lock-free: the slot holding the key, or -1 (also when a concurrent change hides it). */
    private int find(long fn, long k0, long k1) {
        int i = home(fn, k0, k1);
        for (int n = 0; n < 4096; n++) {
            long state = get(i, S_STATE);
            if (state == EMPTY) {
                return -1;
            }
            if (!isFull(state)) {
                suspect = true;
                return -1;
            }
            if (get(i, S_K0) == k0 && get(i, S_K1) == k1 && get(i, S_FN) == fn) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private void writeSlot(int slot, long state, long fn, long k0, long k1, long size, long cost, double priority) {
        set(slot, S_STATE, EMPTY); // a lock-free reader skips the slot while it changes
        set(slot, S_K0, k0);
        set(slot, S_K1, k1);
        set(slot, S_FN, fn);
        set(slot, S_SIZE, size);
        set(slot, S_COST, cost);
        set(slot, S_PRIORITY, Double.doubleToRawLongBits(priority));
        set(slot, S_CHECK, slotCheck(state, k0, k1, fn, size, cost));
        set(slot, S_STATE, state);
    }

    private void clearSlot(int slot) {
        set(slot, S_STATE, EMPTY);
        for (int f = S_K0; f < SLOT_BYTES; f += 8) {
            set(slot, f, 0L);
        }
    }

    private void addTotals(long bytes, long entries) {
        long total = (long) LONG.getVolatile(map, H_TOTAL) + bytes;
        long count = (long) LONG.getVolatile(map, H_COUNT) + entries;
        LONG.setVolatile(map, H_TOTAL, total);
        LONG.setVolatile(map, H_TOTAL_NOT, ~total);
        LONG.setVolatile(map, H_COUNT, count);
        LONG.setVolatile(map, H_COUNT_NOT, ~count);
    }

    private double inflation() {
        return Double.longBitsToDouble((long) LONG.getVolatile(map, H_INFLATION));
    }

    private long header(int field) {
        return (long) LONG.getVolatile(map, field);
    }

    private void setHeader(int field, long value) {
        LONG.setVolatile(map, field, value);
    }

    /** Removes slot {@code i}, shifting later entries of its probe run back (no tombstones). */
    private void removeAt(int i) {
        addTotals(-get(i, S_SIZE), -1);
        if (isPacked(get(i, S_STATE))) {
            addPackLive(-get(i, S_SIZE));
        }
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (get(j, S_STATE) == EMPTY) {
                break;
            }
            int h = home(get(j, S_FN), get(j, S_K0), get(j, S_K1));
            // Slot j may move into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!stays) {
                writeSlot(hole, get(j, S_STATE), get(j, S_FN), get(j, S_K0), get(j, S_K1), get(j, S_SIZE),
                        get(j, S_COST), Double.longBitsToDouble(get(j, S_PRIORITY)));
                hole = j;
            }
        }
        clearSlot(hole);
    }

    /**
     * Under the lock: lets go of the stored form of the entry in slot {@code i}, which is about to
     * be removed or replaced: a pack record gets its dead mark (so no rebuild brings it back), an
     * object file is deleted unless {@code keepFile} (it was just replaced by a rename, or the
     * caller deletes it).
     */
    private void discardStoredForm(int i, boolean keepFile) {
        long state = get(i, S_STATE);
        if (isPacked(state)) {
            markDead(state);
        } else if (!keepFile) {
            Path path = objects.pathOf(get(i, S_FN), get(i, S_K0), get(i, S_K1));
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // Left behind; removeOrphans() deletes it once it can.
                reports.warnOnce("evict", "cannot delete a stored entry " + path + "; it stays as an orphan", e);
            }
        }
    }

    private void markDead(long state) {
        try {
            Packs.markDead(objects.packs().map(packOf(state)), offsetOf(state));
        } catch (IOException | RuntimeException | InternalError e) {
            // The pack is gone, cut short or not writable: nothing to mark.
        }
    }

    // ---------------------------------------------------------------- operations

    /** Runs {@code op} under the index lock: for files of the store that one process creates for all. */
    void runLocked(LockedIo op) throws IOException {
        locked(() -> {
            op.run();
            return null;
        });
    }

    /**
     * Runs {@code install} (the rename that puts an object in place) and records the object in
     * the index, atomically with respect to every other change of the store; then evicts until
     * the store is within its bounds. Returns the number of entries evicted.
     */
    int commit(long fn, long k0, long k1, long size, long cost, LockedIo install) throws IOException {
        boolean[] installed = {false};
        return locked(() -> {
            if (!installed[0]) { // not again when a damaged index made the operation start over
                install.run();
                installed[0] = true;
            }
            upsert(FULL, fn, k0, k1, size, cost);
            return evictWhileOver();
        });
    }

    /**
     * Appends an entry (the bytes of {@code a}, {@code b}, {@code c} in turn) to the last pack,
     * starting a new pack when it is full, and records it in the index; then evicts and compacts.
     * Returns false, having changed nothing, when no pack can take it (a new pack cannot be
     * created: a full disk); the caller then writes an object file.
     */
    boolean commitPacked(long fn, long k0, long k1, long cost, byte[] a, int aLength, byte[] b, int bLength,
            byte[] c, int cLength) throws IOException {
        int length = aLength + bLength + cLength;
        long[] appended = {0};
        return locked(() -> {
            if (appended[0] == 0) { // not again when a damaged index made the operation start over
                appended[0] = append(fn, length, a, aLength, b, bLength, c, cLength);
                if (appended[0] == 0) {
                    return false;
                }
            }
            upsert(appended[0], fn, k0, k1, Packs.recordBytes(length), cost);
            evictWhileOver();
            compactWhileWasteful();
            return true;
        });
    }

    /** Under the lock: writes a record after the last one; its packed state, or 0 when no pack can take it. */
    private long append(long fn, int length, byte[] a, int aLength, byte[] b, int bLength, byte[] c, int cLength)
            throws IOException {
        Packs packs = objects.packs();
        int record = Packs.recordBytes(length);
        long last = header(H_PACK_LAST);
        long tail = header(H_PACK_TAIL);
        Packs.Mapped pack = null;
        if (last > 0) {
            try {
                pack = packs.map(last);
            } catch (NoSuchFileException e) {
                pack = null; // deleted by hand: start a new one
            } catch (IOException e) {
                reports.warnOnce("pack", "cannot open the pack " + packs.pathOf(last)
                        + "; small entries are written as files of their own meanwhile", e);
                return 0;
            }
        }
        if (pack == null || tail + record > pack.capacity()) {
            long capacity = header(H_PACK_CAPACITY);
            if (record > capacity / 4 || last + 1 >= 1L << 33) {
                return 0;
            }
            try {
                pack = packs.create(last + 1, (int) capacity);
            } catch (Packs.Occupied e) {
                throw new Damaged("pack " + (last + 1) + " already holds records"); // the header's last number is wrong
            } catch (IOException e) {
                reports.warnOnce("pack", "cannot create a pack file in " + packs.directory()
                        + "; small entries are written as files of their own meanwhile", e);
                return 0;
            }
            last++;
            tail = 0;
            setHeader(H_PACK_LAST, last);
            setHeader(H_PACK_TAIL, 0);
        }
        try {
            packs.append(pack, (int) tail, fn, a, aLength, b, bLength, c, cLength);
        } catch (Packs.Occupied e) {
            // The header's last pack or tail is damaged (in a way its checks miss): appending
            // there would overwrite live records. Rebuilt from the packs, the operation starts over.
            throw new Damaged("pack " + last + " holds a record at the tail " + tail);
        } catch (IOException e) {
            packs.closeAppendChannel();
            reports.warnOnce("pack", "cannot write to the pack " + packs.pathOf(last)
                    + "; small entries are written as files of their own meanwhile", e);
            return 0;
        }
        setHeader(H_PACK_TAIL, tail + record);
        setHeader(H_PACK_USED, header(H_PACK_USED) + record);
        return packedState(last, (int) tail);
    }

    private void upsert(long state, long fn, long k0, long k1, long size, long cost) {
        int at = probeLocked(fn, k0, k1);
        double priority = policy.priority(inflation(), cost, size);
        if (at >= 0) {
            long old = get(at, S_STATE);
            if (old != state) { // the same record again: an operation started over after a rebuild found it
                discardStoredForm(at, state == FULL);
            }
            addTotals(size - get(at, S_SIZE), 0);
            if (isPacked(old)) {
                addPackLive(-get(at, S_SIZE));
            }
            writeSlot(at, state, fn, k0, k1, size, cost, priority);
        } else {
            if (count() >= maxEntries()) {
                evictOne(home(fn, k0, k1)); // where the probe just read: in the cache already
                at = probeLocked(fn, k0, k1); // the table moved
                if (at >= 0) {
                    throw new Damaged("key appeared during eviction");
                }
            }
            writeSlot(-1 - at, state, fn, k0, k1, size, cost, priority);
            addTotals(size, 1);
        }
        if (isPacked(state)) {
            addPackLive(size);
        }
    }

    /** Bytes of live pack records, never below 0 (a rebuild recounts them). */
    private void addPackLive(long bytes) {
        setHeader(H_PACK_LIVE, Math.max(0, header(H_PACK_LIVE) + bytes));
    }

    /** Records an object that exists but is not indexed (found by a read). */
    int adopt(long fn, long k0, long k1, long size, long cost) throws IOException {
        return locked(() -> {
            if (probeLocked(fn, k0, k1) >= 0 || !Files.exists(objects.pathOf(fn, k0, k1))) {
                return 0;
            }
            upsert(FULL, fn, k0, k1, size, cost);
            return evictWhileOver();
        });
    }

    /** Deletes the stored entry of a key (object file or pack record) and its index entry. */
    void remove(long fn, long k0, long k1) throws IOException {
        locked(() -> {
            int at = probeLocked(fn, k0, k1);
            if (at >= 0) {
                discardStoredForm(at, true); // the file, indexed or not, is deleted below
                removeAt(at);
            }
            Files.deleteIfExists(objects.pathOf(fn, k0, k1));
            return null;
        });
    }

    /** Drops the index entry of a key whose object file or pack is gone (nothing else is touched). */
    void forget(long fn, long k0, long k1) throws IOException {
        locked(() -> {
            int at = probeLocked(fn, k0, k1);
            if (at >= 0) {
                long state = get(at, S_STATE);
                Path stored = isPacked(state) ? objects.packs().pathOf(packOf(state)) : objects.pathOf(fn, k0, k1);
                if (!Files.exists(stored)) {
                    removeAt(at);
                }
            }
            return null;
        });
    }

    /**
     * A lock-free read found the pack record at {@code state} unsound for the key, twice. Under
     * the lock, with the pack mapped afresh: when the key's entry is still that record and the
     * record is still unsound, it is removed (dead mark, index entry) and true returned; false
     * when the entry moved or the record reads sound now (the reader looks again).
     */
    boolean removeIfUnsound(long fn, long k0, long k1, long state, java.util.function.Predicate<byte[]> sound)
            throws IOException {
        return locked(() -> {
            int at = probeLocked(fn, k0, k1);
            if (at < 0 || get(at, S_STATE) != state) {
                return false;
            }
            byte[] entry;
            try {
                entry = Packs.entry(objects.packs().mapNow(packOf(state)), offsetOf(state));
            } catch (NoSuchFileException e) {
                removeAt(at);
                return true;
            } catch (InternalError e) {
                entry = null; // cut short under the mapping
            }
            if (entry != null && sound.test(entry)) {
                return false;
            }
            discardStoredForm(at, false);
            removeAt(at);
            return true;
        });
    }

    /** Deletes {@code path}, the object of the key, if the index does not know it. Returns whether it did. */
    boolean deleteIfUnindexed(long fn, long k0, long k1, Path path) throws IOException {
        return locked(() -> {
            int at = probeLocked(fn, k0, k1);
            return (at < 0 || isPacked(get(at, S_STATE))) && Files.deleteIfExists(path);
        });
    }

    /** Runs eviction now (after the bound was lowered). */
    public int enforceBound() throws IOException {
        return locked(() -> {
            int evicted = evictWhileOver();
            compactWhileWasteful();
            return evicted;
        });
    }

    /** Lock-free: whether the key has an index entry. */
    boolean contains(long fn, long k0, long k1) {
        return where(fn, k0, k1) != EMPTY;
    }

    /**
     * Lock-free: the state of the key's entry ({@link #FULL} for an object file, a packed state
     * for a pack record), or {@link #EMPTY}. A lookup that finds nothing while a change runs
     * looks again once the change is over (briefly; then it reports what it saw).
     */
    long where(long fn, long k0, long k1) {
        try {
            for (int attempt = 0; ; attempt++) {
                long before = header(H_CHANGES);
                int at = find(fn, k0, k1);
                long state = at < 0 ? EMPTY : get(at, S_STATE);
                if (state != EMPTY || attempt >= 64
                        || ((before & 1) == 0 && header(H_CHANGES) == before)) {
                    return state;
                }
                if (attempt < 16) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
        } catch (RuntimeException | InternalError e) {
            suspect = true;
            return EMPTY;
        }
    }

    /** The lowest pack number that may still exist; mappings of lower ones can be dropped. */
    long firstPack() {
        try {
            return header(H_PACK_FIRST);
        } catch (RuntimeException | InternalError e) {
            return 0;
        }
    }

    /**
     * Lock-free: a hit on the key raises its priority. Returns whether the key was found. A
     * concurrent change of the slot makes this refresh a neighbour or nothing: priorities are
     * advice, never a reason to return a value.
     */
    boolean touch(long fn, long k0, long k1) {
        try {
            int at = find(fn, k0, k1);
            if (at < 0) {
                return false;
            }
            double priority = policy.priority(inflation(), get(at, S_COST), get(at, S_SIZE));
            LONG.setOpaque(map, offset(at) + S_PRIORITY, Double.doubleToRawLongBits(priority));
            return true;
        } catch (RuntimeException | InternalError e) {
            // InternalError: the mapped file was truncated under us; the next locked change re-creates it.
            suspect = true;
            return true;
        }
    }

    private int evictWhileOver() {
        int evicted = 0;
        for (int guard = 0; guard <= mask && (totalBytes() > maxBytes || count() > maxEntries()); guard++) {
            if (!evictOne(ThreadLocalRandom.current().nextInt() & mask)) {
                break;
            }
            evicted++;
        }
        return evicted;
    }

    /**
     * Samples up to {@value #SAMPLE} entries from slot {@code start} on and evicts the lowest
     * priority. Where an entry lies depends only on its key's hash, so the entries after any
     * slot are a random sample; a store samples where it is about to insert, whose slots the
     * probe has just brought into the cache.
     */
    private boolean evictOne(int start) {
        if (count() == 0) {
            return false;
        }
        int victim = -1;
        double lowest = Double.POSITIVE_INFINITY;
        int seen = 0;
        for (int n = 0, i = start; n <= mask && seen < SAMPLE; n++, i = (i + 1) & mask) {
            // An empty slot costs one read: in a sparse table (large entries) the sample walks
            // thousands of them. Full slots, the candidates, are checked in full.
            long state = get(i, S_STATE);
            if (state == EMPTY) {
                continue;
            }
            if (!slotSound(i)) {
                throw new Damaged("slot " + i);
            }
            seen++;
            double p = Double.longBitsToDouble(get(i, S_PRIORITY));
            if (victim < 0 || Double.isNaN(p) || p < lowest) {
                victim = i;
                lowest = Double.isNaN(p) ? Double.NEGATIVE_INFINITY : p;
            }
        }
        if (victim < 0) {
            throw new Damaged("entry count says " + count() + " but no entry found");
        }
        long size = get(victim, S_SIZE);
        discardStoredForm(victim, false);
        double l = policy.inflationAfterEvicting(inflation(), lowest);
        LONG.setVolatile(map, H_INFLATION, Double.doubleToRawLongBits(Math.max(0, l)));
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "memogen: evict " + Hex.of(get(victim, S_K0)) + Hex.of(get(victim, S_K1))
                    + " (" + size + " bytes, priority " + lowest + ")");
        }
        removeAt(victim);
        return true;
    }

    /**
     * Under the lock: while the packs hold more dead bytes than live ones (plus one pack), the
     * oldest pack's live records are copied to the last pack and the oldest deleted. Oldest
     * first, so the packs that exist are always a range of numbers and records mostly die
     * before they are copied.
     */
    private void compactWhileWasteful() throws IOException {
        Packs packs = objects.packs();
        while (packs != null && header(H_PACK_FIRST) < header(H_PACK_LAST)
                && header(H_PACK_USED) - header(H_PACK_LIVE) > header(H_PACK_LIVE) + header(H_PACK_CAPACITY)) {
            if (!compactFirst(packs)) {
                return;
            }
        }
    }

    /** Moves the live records out of the oldest pack and deletes it; false when a record could not be moved. */
    private boolean compactFirst(Packs packs) throws IOException {
        long first = header(H_PACK_FIRST);
        int end = 0;
        try {
            Packs.Mapped pack = packs.map(first);
            byte[][] moving = {null};
            boolean[] stuck = {false};
            end = Packs.scan(pack, (offset, length, dead, sound, fn, k0, k1, cost) -> {
                if (dead || !sound || stuck[0]) {
                    return;
                }
                int at = probeLocked(fn, k0, k1);
                if (at < 0 || get(at, S_STATE) != packedState(first, offset)) {
                    return; // replaced or removed: garbage
                }
                if (moving[0] == null || moving[0].length < length) {
                    moving[0] = new byte[Math.max(length, 64 << 10)];
                }
                pack.map().get(offset + Packs.PREFIX, moving[0], 0, length);
                long moved = append(fn, length, moving[0], length, moving[0], 0, moving[0], 0);
                if (moved == 0) {
                    stuck[0] = true;
                    return;
                }
                writeSlot(at, moved, fn, k0, k1, get(at, S_SIZE), get(at, S_COST),
                        Double.longBitsToDouble(get(at, S_PRIORITY)));
            });
            if (stuck[0]) {
                return false;
            }
        } catch (NoSuchFileException e) {
            // Deleted by hand, or a number no pack has (a damaged last number made the next pack
            // far above the others): go on from the next pack that exists, not number by number.
            long next = header(H_PACK_LAST);
            for (long n : packs.list()) {
                if (n > first && n < next) {
                    next = n;
                }
            }
            setHeader(H_PACK_FIRST, next);
            return true;
        } catch (InternalError e) {
            // cut short under its mapping: what was not moved is lost (a miss), nothing is wrong
        }
        setHeader(H_PACK_USED, Math.max(0, header(H_PACK_USED) - end));
        setHeader(H_PACK_FIRST, first + 1);
        try {
            packs.delete(first);
        } catch (IOException e) {
            // Nothing refers to it any more; a rebuild would only find its records dead or replaced.
            reports.warnOnce("pack-delete", "cannot delete the compacted pack " + packs.pathOf(first), e);
        }
        return true;
    }

    /**
     * Rebuilds the index from the object files. Under the lock, with the dirty mark set. A
     * {@code fresh} file is all zeros already: its slots are not visited (which would read every page).
     */
    private void rebuild(boolean fresh) throws IOException {
        for (int i = 0; i <= mask && !fresh; i++) {
            boolean nonZero = false;
            for (int f = 0; f < SLOT_BYTES && !nonZero; f += 8) {
                nonZero = get(i, f) != 0;
            }
            if (nonZero) {
                clearSlot(i);
            }
        }
        LONG.setVolatile(map, H_TOTAL, 0L);
        LONG.setVolatile(map, H_TOTAL_NOT, ~0L);
        LONG.setVolatile(map, H_COUNT, 0L);
        LONG.setVolatile(map, H_COUNT_NOT, ~0L);
        LONG.setVolatile(map, H_INFLATION, Double.doubleToRawLongBits(0.0));
        ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        ObjectTree.forEach(objects.directory(), (fn, entry) -> adoptDuringRebuild(fn, entry, head));
        rebuildPacks();
        evictWhileOver();
        compactWhileWasteful();
    }

    /**
     * Part of {@link #rebuild}: enters every sound, live record of every pack, in pack and record
     * order, so that of two records of a key (a crash between writing the new one and marking the
     * old one dead) the later one wins; the earlier one is marked dead.
     */
    private void rebuildPacks() throws IOException {
        long capacity = header(H_PACK_CAPACITY);
        if (capacity < MIN_PACK_CAPACITY || capacity > MAX_PACK_CAPACITY || Long.bitCount(capacity) != 1) {
            setHeader(H_PACK_CAPACITY, packCapacityFor(maxBytes));
        }
        setHeader(H_PACK_FIRST, 1);
        setHeader(H_PACK_LAST, 0);
        setHeader(H_PACK_TAIL, 0);
        setHeader(H_PACK_USED, 0);
        setHeader(H_PACK_LIVE, 0);
        Packs packs = objects.packs();
        if (packs == null) {
            return;
        }
        java.util.List<Long> numbers = packs.list();
        if (numbers.isEmpty()) {
            return;
        }
        long lastNumber = numbers.get(numbers.size() - 1);
        if (lastNumber >= 1L << 33) {
            return; // not ours to number after; entries are written as files
        }
        setHeader(H_PACK_FIRST, numbers.get(0));
        setHeader(H_PACK_LAST, lastNumber);
        long used = 0;
        for (long number : numbers) {
            int end;
            try {
                Packs.Mapped pack = packs.mapNow(number);
                end = Packs.scan(pack, (offset, length, dead, sound, fn, k0, k1, cost) -> {
                    if (dead) {
                        return;
                    }
                    if (!sound || count() >= maxEntries() && probeLocked(fn, k0, k1) < 0) {
                        // Damaged, or a new key with no room left: gone for good. (A later record
                        // of a key already entered replaces the earlier one, room or not.)
                        Packs.markDead(pack, offset);
                        return;
                    }
                    upsert(packedState(number, offset), fn, k0, k1, Packs.recordBytes(length), Math.max(0, cost));
                });
            } catch (NoSuchFileException e) {
                end = 0;
            } catch (InternalError e) {
                end = 0; // cut short under its mapping
            }
            used += end;
            if (number == lastNumber) {
                setHeader(H_PACK_TAIL, end);
            }
        }
        setHeader(H_PACK_USED, used);
    }

    private void adoptDuringRebuild(long fn, Path entry, ByteBuffer head) {
        String name = entry.getFileName().toString();
        if (name.length() != 32 || count() >= maxEntries()) {
            return; // temporary files and the like; or no room left (read() adopts the rest)
        }
        long k0 = Hex.parse(name.substring(0, 16), 16);
        long k1 = Hex.parse(name.substring(16), 16);
        try (FileChannel ch = FileChannel.open(entry, StandardOpenOption.READ)) {
            long size = ch.size();
            head.clear();
            ch.read(head, 0);
            long cost = EntryFormat.costOf(head);
            int at = probeLocked(fn, k0, k1);
            if (size <= 0 || at >= 0) {
                return;
            }
            writeSlot(-1 - at, FULL, fn, k0, k1, size, cost, policy.priority(inflation(), cost, size));
            addTotals(size, 1);
        } catch (NoSuchFileException e) {
            // deleted meanwhile
        } catch (IOException e) {
            // unreadable: left unindexed; a read of it is a miss, removeOrphans() may delete it
        }
    }

}
