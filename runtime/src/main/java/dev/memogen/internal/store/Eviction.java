package dev.memogen.internal.store;

import dev.memogen.internal.hash.Hex;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;

/**
 * Eviction from the index, under the index lock: while the store is over its bounds (its
 * directory's bytes, {@link DirectoryBudget}, or entries beyond {@link SlotTable#maxEntries}),
 * the entry of lowest priority ({@link EvictionPolicy})
 * among {@value #SAMPLE} sampled from a slot on goes, like Redis's approximated LRU. See
 * {@code docs/store-format.md}, "Eviction".
 */
final class Eviction {
    /** The logger, made at the first eviction, not when a store opens (making it loads some 70 classes). */
    private static final class Log {
        static final System.Logger LOG = System.getLogger("dev.memogen");
    }
    /** Entries sampled per eviction; the lowest priority among them is evicted. */
    static final int SAMPLE = 16;

    private final SlotTable table;
    private final EvictionPolicy policy;
    /** Lets go of the object file or pack record of a slot's entry before its removal: StoreIndex.discardStoredForm. */
    private final IntConsumer discardStoredForm;
    /** Told of each entry evicted ({@link Reports#evicted}). */
    private final Reports reports;

    Eviction(SlotTable table, EvictionPolicy policy, IntConsumer discardStoredForm, Reports reports) {
        this.table = table;
        this.policy = policy;
        this.discardStoredForm = discardStoredForm;
        this.reports = reports;
    }

    /**
     * Under the lock: evicts, each time from a random slot, while the directory would exceed
     * {@code maxBytes} ({@link DirectoryBudget}, for a store whose entries up to {@code packMax}
     * bytes are pack records) or the entries {@link SlotTable#maxEntries}. Returns the number evicted.
     */
    int evictWhileOver(long maxBytes, int packMax) {
        int mask = table.slots() - 1;
        int evicted = 0;
        for (int guard = 0; guard <= mask
                && (DirectoryBudget.over(table, maxBytes, packMax) || table.count() > table.maxEntries()); guard++) {
            if (!evictOne(ThreadLocalRandom.current().nextInt() & mask)) {
                break;
            }
            evicted++;
        }
        return evicted;
    }

    /**
     * Under the lock: samples up to {@value #SAMPLE} entries from slot {@code start} on and evicts
     * the lowest priority; false when the table is empty. Where an entry lies depends only on its
     * key's hash, so the entries after any slot are a random sample; a store samples where it is
     * about to insert, whose slots the probe has just brought into the cache.
     */
    boolean evictOne(int start) {
        if (table.count() == 0) {
            return false;
        }
        int mask = table.slots() - 1;
        int victim = -1;
        double lowest = Double.POSITIVE_INFINITY;
        int seen = 0;
        for (int n = 0, i = start; n <= mask && seen < SAMPLE; n++, i = (i + 1) & mask) {
            // An empty slot costs one read: in a sparse table (large entries) the sample walks
            // thousands of them. Full slots, the candidates, are checked in full.
            long state = table.state(i);
            if (state == SlotTable.EMPTY) {
                continue;
            }
            if (!table.slotSound(i)) {
                throw new StoreIndex.Damaged("slot " + i);
            }
            seen++;
            double p = table.priority(i);
            if (victim < 0 || Double.isNaN(p) || p < lowest) {
                victim = i;
                lowest = Double.isNaN(p) ? Double.NEGATIVE_INFINITY : p;
            }
        }
        if (victim < 0) {
            throw new StoreIndex.Damaged("entry count says " + table.count() + " but no entry found");
        }
        long size = table.size(victim);
        discardStoredForm.accept(victim);
        double l = policy.inflationAfterEvicting(table.inflation(), lowest);
        table.setInflation(Math.max(0, l));
        if (Log.LOG.isLoggable(System.Logger.Level.DEBUG)) {
            Log.LOG.log(System.Logger.Level.DEBUG, "memogen: evict " + Hex.of(table.k0(victim)) + Hex.of(table.k1(victim))
                    + " (" + size + " bytes, priority " + lowest + ")");
        }
        reports.evicted(table.fn(victim), table.k0(victim), table.k1(victim), size, table.cost(victim));
        table.removeAt(victim);
        return true;
    }
}
