package dev.memogen.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * The header of the index file: its {@value #BYTES} bytes before the slots of {@link SlotTable},
 * the offsets of its words (read and written through {@link SlotTable#header}), the sizes it may
 * record, and the checks of its words. See {@code docs/store-format.md}, "The index".
 */
final class IndexHeader {
    /** "MGENIDX1" in little-endian byte order. */
    static final long MAGIC = 0x315844494E45474DL;
    static final long VERSION = 3;
    static final int BYTES = 192;
    static final int MIN_SLOTS = 1 << 8;
    static final int MAX_SLOTS = 1 << 24;
    /** The largest pack a packed state can point into ({@link SlotTable#packedState}). */
    static final int MAX_PACK_CAPACITY = 64 << 20;
    static final int MIN_PACK_CAPACITY = Packs.ALLOCATE;

    static final int H_MAGIC = 0;
    static final int H_VERSION = 8;
    static final int H_SLOTS = 16;
    static final int H_CHECK = 24;
    static final int H_TOTAL = 32;
    static final int H_TOTAL_NOT = 40;
    static final int H_COUNT = 48;
    static final int H_COUNT_NOT = 56;
    static final int H_INFLATION = 64;
    static final int H_DIRTY = 72;
    /** The lowest pack number that may exist (packs below it were compacted away). */
    static final int H_PACK_FIRST = 80;
    /** The pack records are appended to; 0 before the first. */
    static final int H_PACK_LAST = 88;
    /** Where the next record goes in the last pack. */
    static final int H_PACK_TAIL = 96;
    /** Bytes of records in all packs, dead ones included. */
    static final int H_PACK_USED = 104;
    /** Bytes of the records that index entries refer to. */
    static final int H_PACK_LIVE = 112;
    /** Size of a new pack, fixed when the index is created. */
    static final int H_PACK_CAPACITY = 120;
    /**
     * Odd while a change is under way, incremented at its start and its end: a lock-free lookup
     * that found nothing looks again when a change ran meanwhile (a seqlock).
     */
    static final int H_CHANGES = 128;
    /**
     * A check of the six pack fields, written as each change ends: a tail, pack number or byte
     * count damaged to another plausible value is found when the lock is taken, not used.
     */
    static final int H_PACK_CHECK = 136;
    /**
     * Set (to its pid) by a process that found the lock file locked: it asks the process that
     * keeps the lock between its changes ({@link IndexLock}) to let go. A hint, in no check:
     * damaged, it costs one early release.
     */
    static final int H_ASKED = 144;

    private IndexHeader() {}

    /**
     * Slots for a store bounded to {@code maxBytes}: room for entries of 2 KiB on average, so the
     * index (64 bytes a slot) is a 32nd of the bound (3%), from 256 slots (16 KiB, for bounds up to
     * 512 KiB) to 2^24. Fewer slots would cap the entries of a store of small ones (three quarters
     * of the slots, {@link SlotTable#maxEntries}) well below its bound.
     */
    static int slotsFor(long maxBytes) {
        long wanted = Math.max(MIN_SLOTS, Math.min(MAX_SLOTS, maxBytes / 2048));
        return Integer.highestOneBit((int) wanted);
    }

    /**
     * Packs of a 32nd of the bound, a power of two from 64 KiB (one allocation piece,
     * {@link Packs#ALLOCATE}; bounds up to 2 MiB) to 32 MiB (for the default 1 GiB): the dead
     * bytes compaction leaves beyond the live ones are at most a pack ({@link DirectoryBudget}).
     */
    static int packCapacityFor(long maxBytes) {
        long wanted = Math.max(MIN_PACK_CAPACITY, Math.min(MAX_PACK_CAPACITY / 2, maxBytes / 32));
        return Integer.highestOneBit((int) wanted);
    }

    /** The check of the magic, the version and the slot count ({@link #H_CHECK}). */
    static long headerCheck(int slots) {
        return SlotTable.mix(MAGIC ^ VERSION, slots, 0x6D656D6F67656EL);
    }

    /** The check of the pack fields ({@link #H_PACK_CHECK}), in the order of the header (offsets 80 to 120). */
    static long packCheck(long first, long last, long tail, long used, long live, long capacity) {
        return SlotTable.mix(capacity ^ Long.rotateLeft(first, 17), last ^ Long.rotateLeft(tail, 29),
                used ^ Long.rotateLeft(live, 41));
    }

    /**
     * Whether the pack fields are within what they can be, given the byte total of all entries
     * (their check, {@link #H_PACK_CHECK}, is compared apart).
     */
    static boolean packFieldsPlausible(long capacity, long first, long last, long tail, long used, long live,
            long total) {
        return capacity >= MIN_PACK_CAPACITY && capacity <= MAX_PACK_CAPACITY && Long.bitCount(capacity) == 1
                && first >= 1 && last >= first - 1 && last < 1L << 33 && tail >= 0 && tail <= MAX_PACK_CAPACITY
                && (tail & 7) == 0 && (last > 0 || tail == 0) && used >= 0 && live >= 0 && live <= total
                && used <= Math.max(0, last - first + 1) * MAX_PACK_CAPACITY; // each pack holds at most that
    }

    /** The slot count of the sound header of an index file of {@code length} bytes, read from {@code channel}; or 0. */
    static int readSlotsIfSound(FileChannel channel, long length) throws IOException {
        if (length < BYTES) {
            return 0;
        }
        ByteBuffer head = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        if (!StoreFiles.readFully(channel, head, 0)) {
            return 0;
        }
        long magic = head.getLong(0);
        long version = head.getLong(8);
        long slots = head.getLong(16);
        long check = head.getLong(24);
        if (magic != MAGIC || version != VERSION || slots < MIN_SLOTS || slots > MAX_SLOTS
                || Long.bitCount(slots) != 1 || check != headerCheck((int) slots)
                || length < BYTES + slots * SlotTable.SLOT_BYTES) {
            return 0;
        }
        return (int) slots;
    }
}
