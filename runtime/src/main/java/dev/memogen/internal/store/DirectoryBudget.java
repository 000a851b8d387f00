package dev.memogen.internal.store;

import static dev.memogen.internal.store.IndexHeader.H_PACK_CAPACITY;
import static dev.memogen.internal.store.IndexHeader.H_PACK_FIRST;
import static dev.memogen.internal.store.IndexHeader.H_PACK_LAST;
import static dev.memogen.internal.store.IndexHeader.H_PACK_LIVE;
import static dev.memogen.internal.store.IndexHeader.H_PACK_TAIL;
import static dev.memogen.internal.store.IndexHeader.H_PACK_USED;

/**
 * What {@code maxSize} bounds: the store's whole directory as the file system allocates it, not
 * only the bytes of its entries. The entries are charged what they take on disk beyond their
 * bytes, and the files every store has are taken off the bound first. See
 * {@code docs/store-format.md}, "Eviction".
 *
 * <ul>
 *   <li>The fixed part: the index and {@code flights} files, the store's directory, {@code objects/},
 *       {@code packs/} and {@code functions/}; while packs are written, one pack's capacity: the dead bytes
 *       compaction leaves beyond the live ones ({@link Compaction}: it copies once the dead bytes
 *       exceed the live ones plus a pack); and what the packs hold besides records, as the header
 *       says now: the end of each full pack that the next record did not fit in, and the last
 *       pack's piece allocated ahead of its tail ({@link Packs#ALLOCATE}).
 *   <li>A pack record is charged twice its bytes: once live, once for the dead bytes compaction
 *       lets the packs hold as long as they are no more than the live ones.
 *   <li>An object file is charged two blocks ({@value #BLOCK} bytes) beyond its bytes: the rest
 *       of its last block, and the shard directory ({@code objects/<fn>/<xx>/}) it may need alone
 *       (an empty shard directory is removed with its last file). The index does not count object
 *       files apart from pack records; their number is at most the entries and at most the bytes
 *       of object files over the smallest that is not a pack record.
 * </ul>
 */
final class DirectoryBudget {
    /** A file system block: 4 KiB by default on ext4, XFS, btrfs, APFS and NTFS. */
    static final long BLOCK = 4096;

    private DirectoryBudget() {}

    /**
     * Bytes the store's files take whatever its entries: index, flights, directories, pack slack.
     * The index and flights are counted at most at their size for {@code maxBytes}: an index made
     * larger by a process with a larger bound is that bound's (processes that share a store
     * should give it one bound; each evicts down to its own).
     */
    static long fixedBytes(SlotTable table, long maxBytes, int packMax) {
        int slots = Math.min(table.slots(), IndexHeader.slotsFor(maxBytes));
        long index = roundUp(IndexHeader.BYTES + (long) slots * SlotTable.SLOT_BYTES);
        long flights = FlightTable.bytesFor(slots);
        long capacity = table.header(H_PACK_CAPACITY);
        long deadSlack = packMax > 0 ? capacity : 0;
        return index + flights + 4 * BLOCK + deadSlack + packEnds(table, capacity);
    }

    /**
     * Bytes of the packs that hold no record: the packs from the first to the last are allocated
     * up to the capacity (the last up to the piece its tail is in), less the bytes of their
     * records. An upper bound: a pack of more than one piece is allocated only up to the piece
     * its last record ends in.
     */
    private static long packEnds(SlotTable table, long capacity) {
        long first = table.header(H_PACK_FIRST);
        long last = table.header(H_PACK_LAST);
        if (last <= 0 || last < first) {
            return 0;
        }
        long tail = table.header(H_PACK_TAIL);
        long allocated = (last - first) * capacity + ((tail + Packs.ALLOCATE - 1) & -(long) Packs.ALLOCATE);
        return Math.max(0, allocated - table.header(H_PACK_USED));
    }

    /** What the entries take on disk, as charged (above). Under the index lock. */
    static long charged(SlotTable table, int packMax) {
        long total = table.totalBytes();
        long live = table.header(H_PACK_LIVE);
        long objectBytes = Math.max(0, total - live);
        long objectFiles = Math.min(table.count(), objectBytes / smallestObject(table, packMax));
        return total + live + objectFiles * 2 * BLOCK;
    }

    /** Whether the store holds more than {@code maxBytes} allows. Under the index lock. */
    static boolean over(SlotTable table, long maxBytes, int packMax) {
        return charged(table, packMax) > maxBytes - fixedBytes(table, maxBytes, packMax);
    }

    /**
     * Bytes of the smallest entry written as an object file: one over what a pack takes (the
     * entries up to {@code packMax}, whose record is at most a quarter of a pack: StoreIndex.append).
     * An entry written as a file because no pack could take it (a full disk) may be smaller.
     */
    private static long smallestObject(SlotTable table, int packMax) {
        if (packMax <= 0) {
            return 1;
        }
        long packable = Math.min(packMax, table.header(H_PACK_CAPACITY) / 4 - Packs.PREFIX - 8);
        return Math.max(1, packable + 1);
    }

    private static long roundUp(long bytes) {
        return (bytes + BLOCK - 1) & -BLOCK;
    }
}
