package dev.memogen.internal.store;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * One store's {@code flights} file, mapped by the store that opened it (a store opened again maps
 * it again, and so sees a file damaged meanwhile; mappings of one file share its words): single
 * flight between processes. The process that computes a missing key owns the key's
 * stripe, one of the words of the memory-mapped file {@code <dir>/flights} (as many as the file's
 * length says: {@link #bytesFor}), by a
 * compare-and-set of the word from 0 to its own name (pid and start time); the others find it
 * owned and wait for the entry to appear. Taking and releasing a stripe is one atomic
 * instruction on shared memory: no system call.
 *
 * <p>A process that dies owning stripes does not release them; the next process that wants one
 * finds the owner gone ({@link ProcessHandle}: no process of that pid, or one that started at
 * another time) and takes the stripe over with a second compare-and-set. Only a live owner that
 * makes progress is waited for, at most {@code memogen.lockTimeout}: the owner's JVM changes the
 * low byte of its words every {@link #BEAT_NANOS} ({@link Heartbeat}), and a word that stays the
 * same for {@link #STALLED_AFTER_NANOS} (a stopped or hung owner, a forged word) is taken over
 * too. Getting this wrong can only ever cost time, never a wrong value: a stripe taken from a
 * live owner (a process that this one cannot see, such as one in another PID namespace, or one
 * whose heartbeat did not run for that long) means the key is computed twice, and both results
 * are stored the usual way. Two keys of two processes that share a stripe only wait for each other;
 * within one JVM a stripe is shared by all its flights ({@link #tryAcquire}).
 */
public final class FlightTable {
    /**
     * The stripes of a store's file: one per slot of its index, from {@value #MIN_STRIPES} (8 KiB)
     * to {@value #MAX_STRIPES} (512 KiB, a store of 128 MiB or more). Fewer stripes only make
     * unrelated keys share one more often, and their flights wait for each other: with {@code n}
     * flights of other processes under way, a miss meets one of them with a chance of
     * {@code n / stripes} (8 of them, 1024 stripes: 0.8%).
     */
    static final int MIN_STRIPES = 1 << 10;
    static final int MAX_STRIPES = 1 << 16;

    private static final VarHandle WORD = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** The low byte of a word is its owner's heartbeat; the rest names the owner. */
    static final long NAME = ~0xFFL;
    /**
     * The name this process writes into the stripes it owns (heartbeat 0); never 0 (a pid is
     * positive). Made at the first claim, not when a store opens: {@link ProcessHandle} starts
     * its machinery (an executor, some 40 classes) when it is first used, which a hit never needs.
     */
    static long me() {
        return Me.NAME;
    }

    private static final class Me {
        static final long NAME = name(ProcessHandle.current());
    }

    /**
     * How often the owner of a stripe changes its word while it holds it ({@link Heartbeat}): the
     * proof that it makes progress, which a process that is stopped (SIGSTOP, a debugger) or hung,
     * or a word forged into the file, cannot give.
     */
    static final long BEAT_NANOS = 200_000_000L;
    /**
     * A waiter that sees a stripe's word unchanged for this long (five beats) stops waiting for
     * its owner: it takes the stripe over and computes ({@link #tryAcquire}).
     */
    public static final long STALLED_AFTER_NANOS = 1_000_000_000L;
    /**
     * For this long after an owner was found stalled on one stripe, its other stripes are taken
     * over at once: a flights file full of one forged name costs one {@link #STALLED_AFTER_NANOS},
     * not one per key.
     */
    static final long STALLED_REMEMBERED_NANOS = 10_000_000_000L;
    /** Names found stalled, and when ({@link System#nanoTime}); see {@link #STALLED_REMEMBERED_NANOS}. */
    private static final java.util.concurrent.ConcurrentHashMap<Long, Long> STALLED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Path file;
    private final StoreIndex index;
    private MappedByteBuffer map; // guarded by this
    private long checkDue; // guarded by this
    private int remadeSeen; // the index's remade() when the file was last looked at; guarded by this
    /**
     * How many flights of this JVM hold each stripe; the lock of every change of a word.
     * Plain array elements, so that no call can fail (a StackOverflowError) between a change
     * of a word and the count that records it.
     */
    private final int[] shares = new int[MAX_STRIPES];
    /** The stripes this JVM holds (those with a share), first {@link #heldCount}: what {@link Heartbeat} beats; guarded by shares. */
    private int[] held = new int[16];
    private int heldCount;

    /** {@code index} creates the file under its lock. */
    FlightTable(Path file, StoreIndex index) {
        this.file = file;
        this.index = index;
    }

    private synchronized MappedByteBuffer map() throws IOException {
        MappedByteBuffer m = map;
        long now = System.nanoTime();
        int remade = index.remade();
        if (m != null && (now - checkDue >= 0 || remade != remadeSeen)) {
            checkDue = now + StoreIndex.STAT_EVERY_NANOS;
            remadeSeen = remade;
            StoreFiles.Stat onDisk;
            try {
                onDisk = StoreFiles.lstat(file);
            } catch (NoSuchFileException e) {
                onDisk = null; // deleted: made again below
            }
            if (onDisk == null || onDisk.size() != m.capacity() || !onDisk.regular()) {
                m = null; // cut short or replaced (by hand, or at another size for an index made anew): map it again
            }
        }
        if (m == null) {
            remadeSeen = index.remade();
            m = open(file, index);
            map = m;
            checkDue = System.nanoTime() + StoreIndex.STAT_EVERY_NANOS;
        }
        return m;
    }

    /**
     * The key's stripe if no live process other than this one owns it, else {@code null}.
     * Never blocks. A stripe this JVM owns already (another flight of this JVM whose key
     * shares it, perhaps an outer frame of the calling thread) is shared: the flights of this
     * JVM never wait for each other here (one JVM's flights of one key are single already,
     * {@link MemoFunction#miss}), and the stripe is released when the last of them ends.
     */
    Claim tryAcquire(long fn, long k0, long k1, long stalled) throws IOException {
        MappedByteBuffer m = map();
        FlightTable.Claim lock = new Claim(this, m, offset(m, fn, k0, k1)); // made before anything changes
        int stripe = lock.offset >>> 3;
        synchronized (shares) {
            if (shares[stripe] > 0) {
                shares[stripe]++;
                return lock;
            }
            // What may fail (a StackOverflowError) comes before the word changes: after it, nothing
            // but plain writes until the claim is returned, or the stripe would stay taken.
            if (heldCount == held.length) {
                held = java.util.Arrays.copyOf(held, 2 * heldCount);
            }
            Heartbeat.beating(this);
            long owner = (long) WORD.compareAndExchange(m, lock.offset, 0L, me());
            // me() with no flight here: another mapping of this JVM's (a store opened twice) owns it.
            if (owner == 0 || (owner & NAME) == me()
                    || ((!alive(owner) || isStalled(owner, stalled))
                            && WORD.compareAndSet(m, lock.offset, owner, me()))) { // a dead or stalled owner's: take it over
                shares[stripe] = 1;
                held[heldCount++] = stripe;
                return lock;
            }
            return null; // a live process computes it (or a third one just took it over)
        }
    }

    /**
     * Whether {@code owner} has made no progress: the word is {@code stalled}, the one a waiter saw
     * unchanged for {@link #STALLED_AFTER_NANOS}, or its name was found so on another stripe in the
     * last {@link #STALLED_REMEMBERED_NANOS}.
     */
    private static boolean isStalled(long owner, long stalled) {
        if (owner == stalled) {
            STALLED.put(owner & NAME, System.nanoTime()); // remembered for its other stripes
            return true;
        }
        Long since = STALLED.isEmpty() ? null : STALLED.get(owner & NAME);
        if (since == null) {
            return false;
        }
        if (System.nanoTime() - since < STALLED_REMEMBERED_NANOS) {
            return true;
        }
        STALLED.remove(owner & NAME, since);
        return false;
    }

    /**
     * The word of the key's stripe: 0 when no process owns it, else its owner's name and heartbeat
     * (a waiter that sees it unchanged for {@link #STALLED_AFTER_NANOS} passes it to {@link #tryAcquire}).
     */
    long word(long fn, long k0, long k1) throws IOException {
        MappedByteBuffer m = map();
        return (long) WORD.getVolatile(m, offset(m, fn, k0, k1));
    }

    /** Changes the heartbeat of every stripe this JVM holds; returns whether it holds any. */
    private boolean beat() {
        MappedByteBuffer m;
        synchronized (this) {
            m = map;
        }
        synchronized (shares) {
            for (int i = 0; i < heldCount; i++) {
                int offset = held[i] << 3;
                if (offset >= m.capacity()) {
                    continue; // held in a mapping of the file before it was made anew at a smaller size
                }
                long w = (long) WORD.getVolatile(m, offset);
                if ((w & NAME) == me()) { // else taken over by a process that judged this one stalled
                    WORD.compareAndSet(m, offset, w, me() | ((w + 1) & 0xFF));
                }
            }
            return heldCount > 0;
        }
    }

    /**
     * The daemon thread ({@code memogen-flights}) that beats the stripes this JVM holds every
     * {@link #BEAT_NANOS}; it ends after {@link #LINGER_NANOS} without any, and starts again with the next.
     */
    private static final class Heartbeat implements Runnable {
        static final long LINGER_NANOS = 10_000_000_000L;
        private static final java.util.Set<FlightTable> BEATING = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private static Thread thread; // guarded by Heartbeat.class

        /** Called under {@code table.shares} as the table gets a stripe to hold. */
        static void beating(FlightTable table) {
            if (BEATING.contains(table) || !BEATING.add(table)) {
                return; // beaten already (a lock-free look first): the thread ends only once the set is empty
            }
            synchronized (Heartbeat.class) {
                if (thread == null) {
                    thread = Daemons.start(new Heartbeat(), "memogen-flights");
                }
            }
        }

        @Override
        @SuppressWarnings("ModifyCollectionInEnhancedForLoop") // BEATING is a concurrent set
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                java.util.concurrent.locks.LockSupport.parkNanos(BEAT_NANOS);
                for (FlightTable t : BEATING) {
                    try {
                        if (!t.beat()) {
                            BEATING.remove(t);
                            if (t.heldCount() > 0) {
                                BEATING.add(t); // a stripe was taken meanwhile
                            }
                        }
                    } catch (Throwable e) {
                        // A fault of a mapping of a flights file cut short by hand (docs/store-format.md,
                        // "Damage"): the thread must go on beating the others.
                    }
                }
                long now = System.nanoTime();
                if (!BEATING.isEmpty()) {
                    idleSince = now;
                    continue;
                }
                synchronized (Heartbeat.class) {
                    if (BEATING.isEmpty() && now - idleSince >= LINGER_NANOS) {
                        thread = null;
                        return;
                    }
                }
            }
        }
    }

    private int heldCount() {
        synchronized (shares) {
            return heldCount;
        }
    }

    /** The pid of the process that owns the key's stripe, or 0 when none does. */
    long ownerPid(long fn, long k0, long k1) throws IOException {
        return word(fn, k0, k1) >>> 32;
    }

    /** The offset of the key's stripe in {@code m}, a mapping of a file of {@link #soundLength}. */
    static int offset(MappedByteBuffer m, long fn, long k0, long k1) {
        return (int) (SlotTable.mix(fn, k0, k1) & ((m.capacity() >>> 3) - 1)) << 3;
    }

    /** The length of the file made for an index of {@code slots} slots: 8 bytes a stripe. */
    static int bytesFor(int slots) {
        return 8 * Math.max(MIN_STRIPES, Math.min(MAX_STRIPES, Integer.highestOneBit(Math.max(1, slots))));
    }

    /**
     * Whether a file of {@code length} bytes is a table every process reads alike: a power of two
     * of 8-byte stripes within the limits. Every process takes the stripe count from the file.
     */
    static boolean soundLength(long length) {
        return Long.bitCount(length) == 1 && length >= 8L * MIN_STRIPES && length <= 8L * MAX_STRIPES;
    }

    /**
     * Lowers the stripe's count, and clears its word when that was the last hold. Called again
     * after a StackOverflowError struck in it (by an outer flight's cleanup), it finishes what
     * is left: the count is lowered once, the word cleared unless the stripe is held again.
     */
    private void release(Claim lock) {
        int stripe = lock.offset >>> 3;
        synchronized (shares) {
            if (!lock.released) {
                lock.released = true;
                lock.clearing = --shares[stripe] == 0;
            }
            if (lock.clearing) {
                if (shares[stripe] == 0) {
                    for (int i = heldCount - 1; i >= 0; i--) {
                        if (held[i] == stripe) {
                            held[i] = held[--heldCount];
                            break;
                        }
                    }
                    // Fails only if a process that took us for dead or stalled owns it now.
                    long w = (long) WORD.getVolatile(lock.map, lock.offset);
                    while ((w & NAME) == me() && !WORD.compareAndSet(lock.map, lock.offset, w, 0L)) {
                        w = (long) WORD.getVolatile(lock.map, lock.offset); // the heartbeat changed it
                    }
                }
                lock.clearing = false;
            }
        }
    }

    /**
     * A flight's claim on its key's stripe, from {@link #tryAcquire} until {@link #release()}:
     * while it lasts, other processes wait for the flight's result instead of computing it.
     */
    public static final class Claim {
        private final FlightTable table;
        private final MappedByteBuffer map;
        private final int offset;
        private boolean released; // guarded by table.shares
        private boolean clearing; // the last hold was released and the word is still to be cleared; guarded by table.shares

        private Claim(FlightTable table, MappedByteBuffer map, int offset) {
            this.table = table;
            this.map = map;
            this.offset = offset;
        }

        /** Lets go of the stripe; a second call does nothing. */
        public void release() {
            table.release(this);
        }
    }

    /**
     * The pid in the high 32 bits, a 24-bit digest of the pid and the start time in the next 24,
     * and 0 in the low 8 (the heartbeat): never 0, so a word damaged from 0 (a flipped byte) names
     * no process that is alive.
     */
    static long name(ProcessHandle process) {
        return (process.pid() << 32) | ((startDigest(process.pid(), process.info().startInstant()) & 0xFF_FFFFL) << 8);
    }

    /** What {@link #startDigest} digests for a start time the OS does not tell. */
    private static final long UNKNOWN_START = Long.MIN_VALUE;

    /** A 24-bit digest of the pid and start time, never 0 ({@link #UNKNOWN_START} for a start time the OS does not tell). */
    private static int startDigest(long pid, Optional<Instant> start) {
        long millis = start.isEmpty() ? UNKNOWN_START : start.get().toEpochMilli();
        int d = (int) (SlotTable.mix(millis, 0x666C69676874L, pid) >>> 40);
        return d == 0 ? 1 : d;
    }

    /**
     * Whether the process named {@code owner} still runs: one with its pid exists and, when its
     * start time is known here, its name is the one it would write now (a pid of a dead process
     * may have been reused; a damaged word names no process). A start time unknown here gives
     * the owner the benefit of the doubt, unless the word's digest is 0, which no process writes.
     */
    static boolean alive(long owner) {
        long pid = owner >>> 32;
        int started = (int) (owner >>> 8) & 0xFF_FFFF;
        if (started == 0) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        Optional<Instant> start = process.get().info().startInstant();
        return start.isEmpty() || started == startDigest(pid, start);
    }

    /**
     * Maps {@code file}, first creating it under the index lock when it is missing or of a length
     * no table has (a file that a killed process left short, damage), sized for the index
     * ({@link #bytesFor}). Made whole as {@code flights.new}, written out in zeros (a full disk is an
     * IOException here, never a fault at a later compare-and-set), then renamed into place: no
     * process ever maps a file still growing, whose length would give it another stripe count.
     */
    private static MappedByteBuffer open(Path file, StoreIndex index) throws IOException {
        MappedByteBuffer m = mapIfWhole(file);
        if (m != null) {
            return m;
        }
        index.runLocked(new MakeFile(file, index));
        m = mapIfWhole(file);
        if (m == null) {
            throw new IOException("the flights table " + file + " could not be created");
        }
        return m;
    }

    /**
     * {@link #open}'s work under the index lock: makes the flights file whole unless another
     * process did meanwhile. A class, not a lambda, whose class a fresh JVM would spin at its
     * first use (the method-handle machinery, in the interpreter).
     */
    private record MakeFile(Path file, StoreIndex index) implements StoreIndex.LockedIo {
        @Override
        public void run() throws IOException {
            StoreFiles.Stat now = null;
            try {
                now = StoreFiles.lstat(file);
            } catch (NoSuchFileException e) {
                // made below
            }
            if (now != null && now.regular() && now.links() == 1 && soundLength(now.size())) {
                return; // made by another process meanwhile
            }
            Path fresh = file.resolveSibling(file.getFileName() + ".new");
            int bytes = bytesFor(index.slots());
            try (FileChannel ch = StoreFiles.openReplacing(file.getParent(), fresh, index.reports(),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.truncate(0); // a file left by a process killed while making it
                StoreIndex.writeZeros(ch, 0, bytes);
            }
            if (now != null && !now.directory() && (!now.regular() || now.links() > 1)) {
                index.reports().warnOnce("damage", "the store's " + file + " is " + now.describe()
                        + ", which memogen never creates; it is removed (not followed) and made afresh", null);
            }
            StoreFiles.move(file.getParent(), fresh, file);
        }
    }

    private static MappedByteBuffer mapIfWhole(Path file) throws IOException {
        try (FileChannel ch = StoreFiles.open(file.getParent(), file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long length = ch.size();
            if (!soundLength(length)) {
                return null;
            }
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, length);
            m.order(ByteOrder.LITTLE_ENDIAN);
            return m;
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
