package dev.memogen.internal.store;

import static dev.memogen.internal.store.IndexHeader.H_COUNT;
import static dev.memogen.internal.store.IndexHeader.H_COUNT_NOT;
import static dev.memogen.internal.store.IndexHeader.H_PACK_CAPACITY;
import static dev.memogen.internal.store.IndexHeader.H_PACK_FIRST;
import static dev.memogen.internal.store.IndexHeader.H_PACK_LAST;
import static dev.memogen.internal.store.IndexHeader.H_PACK_LIVE;
import static dev.memogen.internal.store.IndexHeader.H_PACK_TAIL;
import static dev.memogen.internal.store.IndexHeader.H_PACK_USED;
import static dev.memogen.internal.store.IndexHeader.H_TOTAL;
import static dev.memogen.internal.store.IndexHeader.H_TOTAL_NOT;
import static dev.memogen.internal.store.IndexHeader.MAX_PACK_CAPACITY;
import static dev.memogen.internal.store.IndexHeader.MIN_PACK_CAPACITY;
import static dev.memogen.internal.store.SlotTable.FULL;

import dev.memogen.internal.hash.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Rebuilds the index from what it caches: every slot cleared, every object file of the
 * {@code objects/} tree entered with its size and the cost from its header, then every live pack
 * record, then eviction down to the bounds and compaction. Runs under the index lock with the
 * header's {@code dirty} word set: a process killed in a rebuild leaves it set, and the next one
 * to take the lock rebuilds again. See {@code docs/store-format.md}, "Repair".
 */
final class IndexRebuild {
    /**
     * How a pack record is entered: StoreIndex.upsert, as every change enters one (an earlier
     * record of the key is marked dead).
     */
    interface Upsert {
        void upsert(long state, long fn, long k0, long k1, long size, long cost);
    }

    private final SlotTable table;
    private final StoreIndex.ObjectFiles objects;
    private final EvictionPolicy policy;
    private final Upsert upsert;
    private final Eviction eviction;
    private final Compaction compaction;

    IndexRebuild(SlotTable table, StoreIndex.ObjectFiles objects, EvictionPolicy policy, Upsert upsert,
            Eviction eviction, Compaction compaction) {
        this.table = table;
        this.objects = objects;
        this.policy = policy;
        this.upsert = upsert;
        this.eviction = eviction;
        this.compaction = compaction;
    }

    /**
     * Adopts each object file found by a rebuild ({@link #adoptDuringRebuild}). A class, not a
     * lambda: a JVM's first store (a rebuild of its new, empty index) would spin its class at
     * the first use (the method-handle machinery, in the interpreter).
     */
    private final class Adopt implements ObjectTree.Visitor {
        private final ByteBuffer head;

        Adopt(ByteBuffer head) {
            this.head = head;
        }

        @Override
        public void visit(long fn, Path file) {
            adoptDuringRebuild(fn, file, head);
        }
    }

    /**
     * Rebuilds the index from the object files and the packs, for a store bounded to
     * {@code maxBytes}. Under the lock, with the dirty mark set. A {@code fresh} file is all zeros
     * already: its slots are not visited (which would read every page).
     */
    void rebuild(boolean fresh, long maxBytes) throws IOException {
        if (!fresh) {
            table.clearAll();
        }
        table.setHeader(H_TOTAL, 0L);
        table.setHeader(H_TOTAL_NOT, ~0L);
        table.setHeader(H_COUNT, 0L);
        table.setHeader(H_COUNT_NOT, ~0L);
        table.setInflation(0.0);
        ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        ObjectTree.forEach(objects.directory(), new Adopt(head));
        rebuildPacks(maxBytes);
        eviction.evictWhileOver(maxBytes, objects.packMax());
        compaction.compactWhileWasteful();
    }

    /**
     * Part of {@link #rebuild}: enters every sound, live record of every pack, in pack and record
     * order, so that of two records of a key (a crash between writing the new one and marking the
     * old one dead) the later one wins; the earlier one is marked dead.
     */
    private void rebuildPacks(long maxBytes) throws IOException {
        long capacity = table.header(H_PACK_CAPACITY);
        if (capacity < MIN_PACK_CAPACITY || capacity > MAX_PACK_CAPACITY || Long.bitCount(capacity) != 1) {
            table.setHeader(H_PACK_CAPACITY, IndexHeader.packCapacityFor(maxBytes));
        }
        table.setHeader(H_PACK_FIRST, 1);
        table.setHeader(H_PACK_LAST, 0);
        table.setHeader(H_PACK_TAIL, 0);
        table.setHeader(H_PACK_USED, 0);
        table.setHeader(H_PACK_LIVE, 0);
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
        table.setHeader(H_PACK_FIRST, numbers.get(0));
        table.setHeader(H_PACK_LAST, lastNumber);
        long used = 0;
        for (long number : numbers) {
            int end;
            try (Packs.Mapped pack = packs.mapNow(number)) {
                end = Packs.scan(pack, (offset, length, dead, sound, fn, k0, k1, cost) -> {
                    if (dead) {
                        return;
                    }
                    if (!sound || (table.count() >= table.maxEntries() && table.probe(fn, k0, k1) < 0)) {
                        // Damaged, or a new key with no room left: gone for good. (A later record
                        // of a key already entered replaces the earlier one, room or not.)
                        Packs.markDead(pack, offset);
                        return;
                    }
                    upsert.upsert(SlotTable.packedState(number, offset), fn, k0, k1, Packs.recordBytes(length),
                            Math.max(0, cost));
                });
            } catch (NoSuchFileException e) {
                end = 0;
            } catch (InternalError e) {
                end = 0; // cut short under its mapping
            }
            used += end;
            if (number == lastNumber) {
                table.setHeader(H_PACK_TAIL, end);
            }
        }
        table.setHeader(H_PACK_USED, used);
    }

    /**
     * Part of {@link #rebuild}: enters the object file {@code entry} of function {@code fn};
     * {@code head} is a buffer to read its header into.
     */
    private void adoptDuringRebuild(long fn, Path entry, ByteBuffer head) {
        String name = entry.getFileName().toString();
        if (name.length() != 32 || table.count() >= table.maxEntries()) {
            return; // temporary files and the like; or no room left (read() adopts the rest)
        }
        long k0 = Hex.parse(name.substring(0, 16), 16);
        long k1 = Hex.parse(name.substring(16), 16);
        try (FileChannel ch = StoreFiles.open(objects.directory().getParent(), entry, StandardOpenOption.READ)) {
            long size = ch.size();
            head.clear();
            ch.read(head, 0);
            long cost = EntryFormat.costOf(head);
            int at = table.probe(fn, k0, k1);
            if (size <= 0 || at >= 0) {
                return;
            }
            table.writeSlot(-1 - at, FULL, fn, k0, k1, size, cost, policy.priority(table.inflation(), cost, size));
            table.addTotals(size, 1);
        } catch (NoSuchFileException e) {
            // deleted meanwhile
        } catch (IOException e) {
            // unreadable: left unindexed; a read of it is a miss, removeOrphans() may delete it
        }
    }
}
