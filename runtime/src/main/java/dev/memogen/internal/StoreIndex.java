package dev.memogen.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
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
 * tombstones) of fixed 64-byte slots behind a 128-byte header. Changes to the table (store,
 * delete, evict, rebuild) are made under one lock: a {@link ReentrantLock} inside the JVM plus a
 * {@link FileLock} on {@code <dir>/index.lock} between processes; they are short (a rename, a
 * few slot writes, the deletion of evicted objects). The header's {@code dirty} word is set for
 * the duration of a change: whoever takes the lock and finds it set knows the previous holder
 * died mid-change (the OS released its lock) and rebuilds the index from the object files.
 * Reads of the table (a hit refreshing its entry's priority) take no lock: at worst they miss a
 * slot being moved, which only costs a less accurate priority.
 */
final class StoreIndex {
    /** "MGENIDX1" in little-endian byte order. */
    static final long MAGIC = 0x315844494E45474DL;
    static final long VERSION = 1;
    static final int HEADER_BYTES = 128;
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

    private static final int S_STATE = 0;
    private static final int S_K0 = 8;
    private static final int S_K1 = 16;
    private static final int S_FN = 24;
    private static final int S_SIZE = 32;
    private static final int S_COST = 40;
    private static final int S_PRIORITY = 48;
    private static final int S_CHECK = 56;

    static final long EMPTY = 0;
    /** "FULLSLOT": a distinctive value, so a damaged state word is recognised. */
    static final long FULL = 0x544F4C534C4C5546L;

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** One lock per index file for the whole JVM: {@link FileLock}s are held per process. */
    private static final ConcurrentHashMap<Path, DirectoryLock> LOCKS = new ConcurrentHashMap<>();

    private static final class DirectoryLock {
        final ReentrantLock inJvm = new ReentrantLock();
        final Path file;
        FileChannel channel; // guarded by inJvm
        FileLock held; // guarded by inJvm

        DirectoryLock(Path file) {
            this.file = file;
        }
    }

    /** What the index does to object files: it deletes evicted ones and reads them to rebuild. */
    interface Objects {
        Path pathOf(long fn, long k0, long k1);

        Path directory();
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
    private final Objects objects;
    private final EvictionPolicy policy;
    private final Problems problems;
    private final DirectoryLock lock;
    private final long lockTimeoutNanos;
    private volatile long maxBytes;
    /** The index file's identity (inode) when it was mapped: a file re-created by someone else is noticed. */
    private Object fileKey; // guarded by lock
    private volatile MappedByteBuffer map;
    private volatile int mask;
    /** Set by a lock-free read that saw something odd; the next locked operation checks the table. */
    private volatile boolean suspect;

    private StoreIndex(Path file, Objects objects, EvictionPolicy policy, Problems problems, long maxBytes,
            long lockTimeoutNanos) {
        this.file = file;
        this.objects = objects;
        this.policy = policy;
        this.problems = problems;
        this.maxBytes = maxBytes;
        this.lockTimeoutNanos = lockTimeoutNanos;
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock").toAbsolutePath().normalize();
        this.lock = LOCKS.computeIfAbsent(lockFile, DirectoryLock::new);
    }

    /**
     * Opens (or creates, sized for {@code maxBytes}) the index at {@code file}. Cheap when the
     * index is sound: a header read and a mapping; a damaged or missing index is rebuilt from the
     * object files.
     */
    static StoreIndex open(Path file, Objects objects, EvictionPolicy policy, Problems problems, long maxBytes,
            long lockTimeoutNanos) throws IOException {
        StoreIndex index = new StoreIndex(file, objects, policy, problems, maxBytes, lockTimeoutNanos);
        index.lock();
        try {
            index.attach();
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

    long maxBytes() {
        return maxBytes;
    }

    void setMaxBytes(long value) {
        this.maxBytes = value;
    }

    String policyName() {
        return policy.name();
    }

    /** The byte total of indexed objects (lock-free read; exact when no change is under way). */
    long totalBytes() {
        return (long) LONG.getVolatile(map, H_TOTAL);
    }

    long count() {
        return (long) LONG.getVolatile(map, H_COUNT);
    }

    // ---------------------------------------------------------------- opening and locking

    private void lock() throws IOException {
        ReentrantLock inJvm = lock.inJvm;
        inJvm.lock();
        boolean held = false;
        try {
            long deadline = System.nanoTime() + lockTimeoutNanos;
            long pause = 10_000;
            while (true) {
                FileChannel ch = lock.channel;
                if (ch == null || !ch.isOpen()) {
                    Files.createDirectories(lock.file.getParent());
                    ch = FileChannel.open(lock.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    lock.channel = ch;
                }
                FileLock got;
                try {
                    got = ch.tryLock(); // tryLock, not lock: an interrupt must not close the shared channel
                } catch (OverlappingFileLockException e) {
                    got = null; // cannot happen under inJvm; treated as busy
                }
                if (got != null) {
                    lock.held = got;
                    held = true;
                    return;
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
                inJvm.unlock();
            }
        }
    }

    private void unlock() {
        try {
            FileLock l = lock.held;
            lock.held = null;
            if (l != null && l.isValid()) {
                l.release();
            }
        } catch (IOException e) {
            // The channel is broken; closing it releases the lock, and the next lock() reopens it.
            try {
                lock.channel.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        } finally {
            lock.inJvm.unlock();
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
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long at = length; at < needed; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), needed - at));
                at += channel.write(zeros, at);
            }
        }
        mapFor(channel, slots);
        if (length > 0) {
            problems.event("index", "the store index " + file + " was damaged or unreadable; rebuilt from the objects");
        }
        LONG.setVolatile(map, H_DIRTY, 1L);
        LONG.setVolatile(map, H_MAGIC, MAGIC);
        LONG.setVolatile(map, H_VERSION, VERSION);
        LONG.setVolatile(map, H_SLOTS, (long) slots);
        LONG.setVolatile(map, H_CHECK, headerCheck(slots));
        rebuild(length == 0);
        LONG.setVolatile(map, H_DIRTY, 0L);
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
            ensureSound();
            LONG.setVolatile(map, H_DIRTY, ProcessHandle.current().pid());
            R result;
            try {
                result = op.run();
            } catch (Damaged d) {
                problems.event("index", "the store index " + file + " is damaged (" + d.getMessage()
                        + "); rebuilt from the objects");
                rebuild(false);
                result = op.run();
            }
            LONG.setVolatile(map, H_DIRTY, 0L);
            return result;
        } finally {
            unlock();
        }
    }

    private interface LockedOp<R> {
        R run() throws IOException;
    }

    /** Under the lock: the header is sound and no change was left half done; else rebuild. */
    private void ensureSound() throws IOException {
        java.nio.file.attribute.BasicFileAttributes now;
        try {
            now = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            now = null;
        }
        if (now == null || !java.util.Objects.equals(now.fileKey(), fileKey)
                || now.size() < (long) HEADER_BYTES + (long) slots() * SLOT_BYTES
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
        } else if (suspect && !tableSound()) {
            why = "a slot is damaged";
        }
        suspect = false;
        if (why != null) {
            LONG.setVolatile(map, H_DIRTY, 1L);
            problems.event("index", "the store index " + file + " was not sound (" + why + "); rebuilt from the objects");
            rebuild(false);
        }
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

    private static long slotCheck(long k0, long k1, long fn, long size, long cost) {
        return mix(k0 ^ size, k1 ^ Long.rotateLeft(cost, 32), fn ^ FULL);
    }

    private boolean slotSound(int slot) {
        long state = get(slot, S_STATE);
        if (state == EMPTY) {
            return get(slot, S_K0) == 0 && get(slot, S_K1) == 0 && get(slot, S_FN) == 0 && get(slot, S_SIZE) == 0
                    && get(slot, S_COST) == 0 && get(slot, S_CHECK) == 0;
        }
        if (state != FULL) {
            return false;
        }
        long size = get(slot, S_SIZE);
        long cost = get(slot, S_COST);
        return size > 0 && cost >= 0
                && get(slot, S_CHECK) == slotCheck(get(slot, S_K0), get(slot, S_K1), get(slot, S_FN), size, cost);
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
            if (state != FULL) {
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

    private void writeSlot(int slot, long fn, long k0, long k1, long size, long cost, double priority) {
        set(slot, S_K0, k0);
        set(slot, S_K1, k1);
        set(slot, S_FN, fn);
        set(slot, S_SIZE, size);
        set(slot, S_COST, cost);
        set(slot, S_PRIORITY, Double.doubleToRawLongBits(priority));
        set(slot, S_CHECK, slotCheck(k0, k1, fn, size, cost));
        set(slot, S_STATE, FULL);
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

    /** Removes slot {@code i}, shifting later entries of its probe run back (no tombstones). */
    private void removeAt(int i) {
        addTotals(-get(i, S_SIZE), -1);
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
                writeSlot(hole, get(j, S_FN), get(j, S_K0), get(j, S_K1), get(j, S_SIZE), get(j, S_COST),
                        Double.longBitsToDouble(get(j, S_PRIORITY)));
                hole = j;
            }
        }
        clearSlot(hole);
    }

    // ---------------------------------------------------------------- operations

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
            upsert(fn, k0, k1, size, cost);
            return evictWhileOver();
        });
    }

    private void upsert(long fn, long k0, long k1, long size, long cost) {
        int at = probeLocked(fn, k0, k1);
        double priority = policy.priority(inflation(), cost, size);
        if (at >= 0) {
            addTotals(size - get(at, S_SIZE), 0);
            writeSlot(at, fn, k0, k1, size, cost, priority);
            return;
        }
        if (count() >= maxEntries()) {
            evictOne();
            at = probeLocked(fn, k0, k1); // the table moved
            if (at >= 0) {
                throw new Damaged("key appeared during eviction");
            }
        }
        writeSlot(-1 - at, fn, k0, k1, size, cost, priority);
        addTotals(size, 1);
    }

    /** Records an object that exists but is not indexed (found by a read). */
    int adopt(long fn, long k0, long k1, long size, long cost) throws IOException {
        return locked(() -> {
            if (probeLocked(fn, k0, k1) >= 0 || !Files.exists(objects.pathOf(fn, k0, k1))) {
                return 0;
            }
            upsert(fn, k0, k1, size, cost);
            return evictWhileOver();
        });
    }

    /** Deletes the object of a key and its index entry. */
    void remove(long fn, long k0, long k1) throws IOException {
        locked(() -> {
            Files.deleteIfExists(objects.pathOf(fn, k0, k1));
            int at = probeLocked(fn, k0, k1);
            if (at >= 0) {
                removeAt(at);
            }
            return null;
        });
    }

    /** Drops the index entry of a key whose object is gone (no file is touched). */
    void forget(long fn, long k0, long k1) throws IOException {
        locked(() -> {
            int at = probeLocked(fn, k0, k1);
            if (at >= 0 && !Files.exists(objects.pathOf(fn, k0, k1))) {
                removeAt(at);
            }
            return null;
        });
    }

    /** Deletes {@code path}, the object of the key, if the index does not know it. Returns whether it did. */
    boolean deleteIfUnindexed(long fn, long k0, long k1, Path path) throws IOException {
        return locked(() -> probeLocked(fn, k0, k1) < 0 && Files.deleteIfExists(path));
    }

    /** Runs eviction now (after the bound was lowered). */
    int enforceBound() throws IOException {
        return locked(this::evictWhileOver);
    }

    /** Lock-free: whether the key has an index entry. */
    boolean contains(long fn, long k0, long k1) {
        try {
            return find(fn, k0, k1) >= 0;
        } catch (RuntimeException | InternalError e) {
            suspect = true;
            return false;
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
            if (!evictOne()) {
                break;
            }
            evicted++;
        }
        return evicted;
    }

    /** Samples up to {@value #SAMPLE} entries from a random place and evicts the lowest priority. */
    private boolean evictOne() {
        if (count() == 0) {
            return false;
        }
        int start = ThreadLocalRandom.current().nextInt() & mask;
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
        long fn = get(victim, S_FN);
        long k0 = get(victim, S_K0);
        long k1 = get(victim, S_K1);
        long size = get(victim, S_SIZE);
        Path path = objects.pathOf(fn, k0, k1);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Left behind; removeOrphans() deletes it once it can.
            problems.warnOnce("evict", "cannot delete an evicted entry " + path + "; it stays as an orphan", e);
        }
        double l = policy.inflationAfterEvicting(inflation(), lowest);
        LONG.setVolatile(map, H_INFLATION, Double.doubleToRawLongBits(Math.max(0, l)));
        removeAt(victim);
        if (Problems.debugEnabled()) {
            Problems.debug("memogen: evict " + path.getFileName() + " (" + size + " bytes, priority " + lowest + ")");
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
        Path root = objects.directory();
        if (Files.isDirectory(root)) {
            ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            try (DirectoryStream<Path> functions = Files.newDirectoryStream(root)) {
                for (Path fnDir : functions) {
                    long fn = parseHex(fnDir.getFileName().toString(), 16);
                    if (fn == 0 && !fnDir.getFileName().toString().equals("0000000000000000")) {
                        continue;
                    }
                    try (DirectoryStream<Path> shards = Files.newDirectoryStream(fnDir)) {
                        for (Path shard : shards) {
                            if (!Files.isDirectory(shard)) {
                                continue;
                            }
                            try (DirectoryStream<Path> entries = Files.newDirectoryStream(shard)) {
                                for (Path entry : entries) {
                                    adoptDuringRebuild(fn, entry, head);
                                }
                            }
                        }
                    } catch (IOException e) {
                        // A directory that vanished or cannot be read: its entries stay unindexed.
                    }
                }
            }
        }
        evictWhileOver();
    }

    private void adoptDuringRebuild(long fn, Path entry, ByteBuffer head) {
        String name = entry.getFileName().toString();
        if (name.length() != 32 || count() >= maxEntries()) {
            return; // temporary files and the like; or no room left (read() adopts the rest)
        }
        long k0 = parseHex(name.substring(0, 16), 16);
        long k1 = parseHex(name.substring(16), 16);
        try (FileChannel ch = FileChannel.open(entry, StandardOpenOption.READ)) {
            long size = ch.size();
            head.clear();
            ch.read(head, 0);
            long cost = head.position() == 16 && head.getInt(0) == FileStore.MAGIC ? Math.max(0, head.getLong(8)) : 0;
            int at = probeLocked(fn, k0, k1);
            if (size <= 0 || at >= 0) {
                return;
            }
            writeSlot(-1 - at, fn, k0, k1, size, cost, policy.priority(inflation(), cost, size));
            addTotals(size, 1);
        } catch (NoSuchFileException e) {
            // deleted meanwhile
        } catch (IOException e) {
            // unreadable: left unindexed; a read of it is a miss, removeOrphans() may delete it
        }
    }

    static long parseHex(String s, int digits) {
        if (s.length() != digits) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(s, 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
