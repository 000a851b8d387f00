package dev.memogen.internal.store;

import static dev.memogen.internal.store.IndexHeader.H_PACK_CAPACITY;
import static dev.memogen.internal.store.IndexHeader.H_PACK_FIRST;
import static dev.memogen.internal.store.IndexHeader.H_PACK_LAST;
import static dev.memogen.internal.store.IndexHeader.H_PACK_LIVE;
import static dev.memogen.internal.store.IndexHeader.H_PACK_TAIL;
import static dev.memogen.internal.store.IndexHeader.H_PACK_USED;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * Compaction of the packs, under the index lock: while the packs hold more dead bytes than live
 * ones (plus one pack), the oldest pack's live records are copied to the last pack, their slots
 * pointed at the copies, and the oldest deleted. Oldest first, so the packs that exist are always
 * a range of numbers and records mostly die before they are copied. See
 * {@code docs/store-format.md}, "Packs".
 */
final class Compaction {
    /** How a record is written after the last one, under the lock: StoreIndex.append. */
    interface Append {
        /** Appends the first {@code length} bytes of {@code entry}; its packed state, or 0 when no pack can take it. */
        long append(long fn, byte[] entry, int length) throws IOException;
    }

    private final SlotTable table;
    private final StoreIndex.ObjectFiles objects;
    private final Reports reports;
    private final Append append;

    Compaction(SlotTable table, StoreIndex.ObjectFiles objects, Reports reports, Append append) {
        this.table = table;
        this.objects = objects;
        this.reports = reports;
        this.append = append;
    }

    /** Under the lock: compacts the oldest pack while the packs are wasteful, as long as its records can be moved. */
    void compactWhileWasteful() throws IOException {
        Packs packs = objects.packs();
        while (packs != null && table.header(H_PACK_FIRST) < table.header(H_PACK_LAST)
                && table.header(H_PACK_USED) - table.header(H_PACK_LIVE)
                        > table.header(H_PACK_LIVE) + table.header(H_PACK_CAPACITY)) {
            if (!compactFirst(packs)) {
                return;
            }
        }
    }

    /**
     * Under the lock: compacts every pack, the last one included, while the packs hold dead
     * records ({@code memogen gc}). The last pack is closed first (its tail set to its end), so
     * that the records moved out of it, as out of the others, go to a new pack; each pack is
     * compacted at most once.
     */
    void compactAllDead() throws IOException {
        Packs packs = objects.packs();
        long last = table.header(H_PACK_LAST);
        if (packs == null || last <= 0 || table.header(H_PACK_USED) <= table.header(H_PACK_LIVE)) {
            return;
        }
        table.setHeader(H_PACK_TAIL, table.header(H_PACK_CAPACITY));
        while (table.header(H_PACK_FIRST) <= last && table.header(H_PACK_USED) > table.header(H_PACK_LIVE)) {
            if (!compactFirst(packs)) {
                return;
            }
        }
    }

    /**
     * Under the lock: moves the live records out of the oldest pack and deletes it; false when a
     * record could not be moved.
     */
    private boolean compactFirst(Packs packs) throws IOException {
        long first = table.header(H_PACK_FIRST);
        int end = 0;
        try (Packs.Mapped pack = packs.map(first)) {
            byte[][] moving = {null};
            boolean[] stuck = {false};
            end = Packs.scan(pack, (offset, length, dead, sound, fn, k0, k1, cost) -> {
                if (dead || !sound || stuck[0]) {
                    return;
                }
                int at = table.probe(fn, k0, k1);
                if (at < 0 || table.state(at) != SlotTable.packedState(first, offset)) {
                    return; // replaced or removed: garbage
                }
                if (moving[0] == null || moving[0].length < length) {
                    moving[0] = new byte[Math.max(length, 64 << 10)];
                }
                pack.map().get(offset + Packs.PREFIX, moving[0], 0, length);
                long moved = append.append(fn, moving[0], length);
                if (moved == 0) {
                    stuck[0] = true;
                    return;
                }
                table.writeSlot(at, moved, fn, k0, k1, table.size(at), table.cost(at), table.priority(at));
            });
            if (stuck[0]) {
                return false;
            }
        } catch (NoSuchFileException e) {
            // Deleted by hand, or a number no pack has (a damaged last number made the next pack
            // far above the others): go on from the next pack that exists, not number by number.
            long next = table.header(H_PACK_LAST);
            for (long n : packs.list()) {
                if (n > first && n < next) {
                    next = n;
                }
            }
            table.setHeader(H_PACK_FIRST, next);
            return true;
        } catch (InternalError e) {
            // cut short under its mapping: what was not moved is lost (a miss), nothing is wrong
        }
        table.setHeader(H_PACK_USED, Math.max(0, table.header(H_PACK_USED) - end));
        table.setHeader(H_PACK_FIRST, first + 1);
        try {
            packs.delete(first);
        } catch (IOException e) {
            // Nothing refers to it any more; a rebuild would only find its records dead or replaced.
            reports.warnOnce("pack-delete", "cannot delete the compacted pack " + packs.pathOf(first), e);
        }
        return true;
    }
}
