package dev.memogen.internal.store;

import static dev.memogen.internal.store.IndexHeader.H_COUNT;
import static dev.memogen.internal.store.IndexHeader.H_COUNT_NOT;
import static dev.memogen.internal.store.IndexHeader.H_INFLATION;
import static dev.memogen.internal.store.IndexHeader.H_PACK_LIVE;
import static dev.memogen.internal.store.IndexHeader.H_TOTAL;
import static dev.memogen.internal.store.IndexHeader.H_TOTAL_NOT;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The index file as this process maps it: the words of its header ({@link IndexHeader}) and,
 * after them, an open-addressing hash table (linear probing, backward-shift deletion, no
 * tombstones) of fixed {@value #SLOT_BYTES}-byte slots, one per entry. This class alone knows a
 * slot's layout and how its state word says where the entry is; {@link StoreIndex} decides what
 * changes when.
 *
 * <p>Methods that change the table, and {@link #probe}, run under the index lock
 * ({@link IndexLock}); the mapping changes only under it too ({@link #map}). {@link #find}, the
 * reads of a slot's fields and {@link #refreshPriority} are also used without the lock, by
 * lookups that tolerate a slot changing under them (their callers catch what a mapping cut short
 * throws).
 *
 * <p>A store opened without the lock is first read through its file, a word at a time with
 * {@code pread}, not mapped ({@link #readThrough}): a JVM's first {@code FileChannel.map} starts
 * the JDK's {@code ExtendedMapMode} with method handles (measured in a fresh JVM: 10 ms on JDK 17,
 * 45 to 66 ms on JDK 25), which a rerun that only reads a few entries need not pay. The table is
 * mapped after {@link #READS_BEFORE_MAPPING} words read that way, and before any slot is written
 * (under the lock). Header words written under the lock before then go to the file with
 * {@code pwrite} (a JVM that only adds its counts at exit never maps the index).
 */
final class SlotTable {
    static final int SLOT_BYTES = 64;

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

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private volatile MappedByteBuffer map;
    /** Until the table is mapped: the index file, read and written a word at a time; null once mapped. */
    private volatile FileChannel file;
    /**
     * Words a table read through its file reads before it maps the file: a few hundred lookups
     * (a lookup reads 6 to 10 words, each a system call of about half a microsecond), after which
     * mapping costs less than going on.
     */
    static final int READS_BEFORE_MAPPING = 4096;
    /** Words left to read through the file before mapping it; racy advice. */
    private int readsLeft;
    private volatile int mask;
    /** Set by a lock-free read that saw something odd; the next locked operation checks the table. */
    volatile boolean suspect;

    /**
     * Under the lock: whether anything was written to the table (a header word, a slot, a new
     * mapping) since it was last cleared; what tells a change that failed before touching the
     * table, which can simply end, from one that left it half done, which a rebuild must mend.
     */
    boolean changed;

    /**
     * Under the lock: maps the header and {@code slots} slots of the index file (long enough for
     * them), in place of any earlier mapping.
     */
    synchronized void map(FileChannel channel, int slots) throws IOException {
        changed = true;
        MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_WRITE, 0,
                (long) IndexHeader.BYTES + (long) slots * SLOT_BYTES);
        m.order(ByteOrder.LITTLE_ENDIAN);
        this.map = m;
        this.file = null; // a reader still using it reads on; it is closed when collected
        this.mask = slots - 1;
    }

    /**
     * Without the lock, as a store opens: reads the header and {@code slots} slots of the index
     * file through {@code channel} (readable and writable, kept open) instead of mapping them.
     */
    synchronized void readThrough(FileChannel channel, int slots) {
        this.map = null;
        this.file = channel;
        this.readsLeft = READS_BEFORE_MAPPING;
        this.mask = slots - 1;
    }

    /** The current mapping; null before the index is first mapped (or while it is read through its file). */
    MappedByteBuffer mapping() {
        return map;
    }

    /**
     * The mapping, made now from the file the table is read through if there is none yet; null when
     * mapping fails (the file is then read on).
     */
    private synchronized MappedByteBuffer mapNow() {
        MappedByteBuffer m = map;
        FileChannel ch = file;
        if (m != null || ch == null) {
            return m;
        }
        try {
            m = ch.map(FileChannel.MapMode.READ_WRITE, 0, (long) IndexHeader.BYTES + (long) slots() * SLOT_BYTES);
        } catch (IOException | RuntimeException e) {
            readsLeft = Integer.MAX_VALUE; // not again: a failure here is the file's, which reads report
            return null;
        }
        m.order(ByteOrder.LITTLE_ENDIAN);
        map = m;
        file = null;
        return m;
    }

    /** Under the lock: the table mapped (made now if it was read through its file), for writing slots or reading them all. */
    private MappedByteBuffer mapped() {
        MappedByteBuffer m = map;
        if (m == null) {
            m = mapNow();
            if (m == null) {
                throw new java.io.UncheckedIOException(new IOException("the store index could not be mapped"));
            }
        }
        return m;
    }

    /** The word at byte {@code offset} of the file: from the mapping, or read through the file. */
    private long word(int offset) {
        MappedByteBuffer m = map;
        if (m != null) {
            return (long) LONG.getVolatile(m, offset);
        }
        FileChannel ch = file;
        if (ch == null || --readsLeft < 0) {
            m = mapNow();
            if (m != null) {
                return (long) LONG.getVolatile(m, offset);
            }
            ch = file;
            if (ch == null) {
                throw new IllegalStateException("the store index is neither mapped nor open");
            }
        }
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try {
            if (!StoreFiles.readFully(ch, b, offset)) {
                throw new IllegalStateException("the store index is shorter than its header says");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.getLong(0);
    }

    /** Writes a word through the file the table is read through; false when it is mapped (the caller writes the mapping). */
    private boolean writeThrough(int offset, long value) {
        if (map != null) {
            return false;
        }
        FileChannel ch = file;
        if (ch == null) {
            return false;
        }
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        try {
            while (b.hasRemaining()) {
                ch.write(b, offset + b.position());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return true;
    }

    int slots() {
        return mask + 1;
    }

    /** Entries beyond this count are evicted like bytes beyond the bound: the table stays at most 3/4 full. */
    long maxEntries() {
        return (long) slots() * 3 / 4;
    }

    // ---------------------------------------------------------------- header words

    /** The header word at offset {@code field} ({@link IndexHeader}). */
    long header(int field) {
        return word(field);
    }

    /** Under the lock: sets the header word at offset {@code field}. */
    void setHeader(int field, long value) {
        changed = true;
        if (!writeThrough(field, value)) {
            LONG.setVolatile(mapped(), field, value);
        }
    }

    /** The byte total of indexed objects (exact when no change is under way). */
    long totalBytes() {
        return header(H_TOTAL);
    }

    long count() {
        return header(H_COUNT);
    }

    /** The eviction policy's inflation value {@code L}. */
    double inflation() {
        return Double.longBitsToDouble(header(H_INFLATION));
    }

    /** Under the lock. */
    void setInflation(double value) {
        setHeader(H_INFLATION, Double.doubleToRawLongBits(value));
    }

    /** Under the lock: adds to the byte total and the entry count, with their complements. */
    void addTotals(long bytes, long entries) {
        long total = header(H_TOTAL) + bytes;
        long count = header(H_COUNT) + entries;
        setHeader(H_TOTAL, total);
        setHeader(H_TOTAL_NOT, ~total);
        setHeader(H_COUNT, count);
        setHeader(H_COUNT_NOT, ~count);
    }

    /** Under the lock: adds to the bytes of live pack records, never below 0 (a rebuild recounts them). */
    void addPackLive(long bytes) {
        setHeader(H_PACK_LIVE, Math.max(0, header(H_PACK_LIVE) + bytes));
    }

    // ---------------------------------------------------------------- slot states

    /**
     * Mixes three words into one 64-bit hash: where a key's probe starts, the index's checks, the
     * stripes of {@link FlightTable}.
     */
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

    /** The state of an entry whose record is at {@code offset} (a multiple of 8) in pack {@code pack}. */
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
        return state == FULL || (isPacked(state) && packOf(state) > 0);
    }

    // ---------------------------------------------------------------- slots

    private static int offset(int slot) {
        return IndexHeader.BYTES + slot * SLOT_BYTES;
    }

    private long get(int slot, int field) {
        return word(offset(slot) + field);
    }

    private void set(int slot, int field, long value) {
        MappedByteBuffer m = mapped();
        changed = true;
        LONG.setVolatile(m, offset(slot) + field, value);
    }

    /** {@link #EMPTY}, {@link #FULL} or a packed state. */
    long state(int slot) {
        return get(slot, S_STATE);
    }

    long k0(int slot) {
        return get(slot, S_K0);
    }

    long k1(int slot) {
        return get(slot, S_K1);
    }

    long fn(int slot) {
        return get(slot, S_FN);
    }

    /** Bytes of the object file or the pack record. */
    long size(int slot) {
        return get(slot, S_SIZE);
    }

    /** Compute cost in nanoseconds. */
    long cost(int slot) {
        return get(slot, S_COST);
    }

    double priority(int slot) {
        return Double.longBitsToDouble(get(slot, S_PRIORITY));
    }

    /** Lock-free: a hit's new priority, one opaque write (a slot moved meanwhile gets a neighbour's). */
    void refreshPriority(int slot, double priority) {
        long bits = Double.doubleToRawLongBits(priority);
        if (!writeThrough(offset(slot) + S_PRIORITY, bits)) {
            LONG.setOpaque(mapped(), offset(slot) + S_PRIORITY, bits);
        }
    }

    /** The slot where the probe for a key starts. */
    int home(long fn, long k0, long k1) {
        return (int) mix(fn, k0, k1) & mask;
    }

    /** Whether a slot is all zeros or a full one whose check word matches. */
    boolean slotSound(int slot) {
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

    /** Under the lock: whether every slot is sound. */
    boolean tableSound() {
        mapped(); // every slot: not a word at a time
        for (int i = 0; i <= mask; i++) {
            if (!slotSound(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Under the lock: the slot of the key, or {@code -1 - s} where s is the empty slot to use.
     * Throws {@link StoreIndex.Damaged} at an unsound slot on the way.
     */
    int probe(long fn, long k0, long k1) {
        int i = home(fn, k0, k1);
        for (int n = 0; n <= mask; n++) {
            if (!slotSound(i)) {
                throw new StoreIndex.Damaged("slot " + i);
            }
            if (get(i, S_STATE) == EMPTY) {
                return -1 - i;
            }
            if (get(i, S_K0) == k0 && get(i, S_K1) == k1 && get(i, S_FN) == fn) {
                return i;
            }
            i = (i + 1) & mask;
        }
        throw new StoreIndex.Damaged("no empty slot");
    }

    /**
     * Lock-free: the slot holding the key, or -1 (also when a concurrent change hides it). A state
     * that is neither empty nor full sets {@link #suspect}.
     */
    int find(long fn, long k0, long k1) {
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

    /** Under the lock: fills a slot. */
    void writeSlot(int slot, long state, long fn, long k0, long k1, long size, long cost, double priority) {
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

    /**
     * Under the lock, for a rebuild: clears every slot. Each is read first and written only when
     * not all zeros, so the pages of an unused part of the table stay untouched.
     */
    void clearAll() {
        mapped();
        for (int i = 0; i <= mask; i++) {
            boolean nonZero = false;
            for (int f = 0; f < SLOT_BYTES && !nonZero; f += 8) {
                nonZero = get(i, f) != 0;
            }
            if (nonZero) {
                clearSlot(i);
            }
        }
    }

    /**
     * Under the lock: removes slot {@code i} and its bytes from the totals, shifting later entries
     * of its probe run back (no tombstones).
     */
    void removeAt(int i) {
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
}
