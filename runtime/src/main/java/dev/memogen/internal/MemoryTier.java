package dev.memogen.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The in-memory tier in front of the store: recently used values of every memoized function in
 * this JVM, bounded in bytes (each value weighs its encoded size) and in entries.
 *
 * <p>A set-associative table: a key may live in one of {@value #WAYS} slots of its bucket. Reads
 * take no lock and allocate nothing; they set a "referenced" bit that CLOCK-style replacement
 * reads. Writes (only after a miss or a store read) take the table's lock.
 */
final class MemoryTier {
    static final int WAYS = 8;

    static final class Entry {
        final MemoFunction<?> fn;
        final long k0;
        final long k1;
        /** The value itself for immutable result types, its encoded bytes for mutable ones. */
        final Object value;
        final long weight;
        /** Epoch millis from which the value is no longer valid (a ttl); {@link Long#MAX_VALUE} for never. */
        final long expiresAt;
        volatile boolean referenced;

        Entry(MemoFunction<?> fn, long k0, long k1, Object value, long weight, long expiresAt) {
            this.fn = fn;
            this.k0 = k0;
            this.k1 = k1;
            this.value = value;
            this.weight = weight;
            this.expiresAt = expiresAt;
        }
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int bucketMask;
    private final long maxBytes;
    private long bytes; // guarded by this
    private int hand; // guarded by this

    MemoryTier(long maxBytes, int buckets) {
        int b = Integer.highestOneBit(Math.max(1, buckets));
        this.slots = new AtomicReferenceArray<>(b * WAYS);
        this.bucketMask = b - 1;
        this.maxBytes = Math.max(0, maxBytes);
    }

    /** Keys are digests or packed argument bytes (then often mostly zero): mix before indexing. */
    private int bucketStart(MemoFunction<?> fn, long k0, long k1) {
        long h = (k0 ^ Long.rotateLeft(k1, 29) ^ fn.idHash()) * 0x9E3779B97F4A7C15L;
        return ((int) (h >>> 32) & bucketMask) * WAYS;
    }

    /** The stored object for the key, or {@code null}. */
    Object get(MemoFunction<?> fn, long k0, long k1) {
        int start = bucketStart(fn, k0, k1);
        for (int i = start; i < start + WAYS; i++) {
            Entry e = slots.getAcquire(i);
            if (e != null && e.k1 == k1 && e.k0 == k0 && e.fn == fn) {
                if (e.expiresAt != Long.MAX_VALUE && System.currentTimeMillis() >= e.expiresAt) {
                    return null; // older than its ttl: the store decides (and replaces it)
                }
                if (!e.referenced) {
                    e.referenced = true;
                }
                return e.value;
            }
        }
        return null;
    }

    /** Keeps {@code value} unless it weighs more than an eighth of the tier. */
    void put(MemoFunction<?> fn, long k0, long k1, Object value, long weight) {
        put(fn, k0, k1, value, weight, Long.MAX_VALUE);
    }

    /** Whether a value of this weight would be kept: at most an eighth of the tier. */
    boolean keeps(long weight) {
        return weight <= maxBytes / 8;
    }

    /** Keeps {@code value} until {@code expiresAt} (epoch millis), unless it weighs more than an eighth of the tier. */
    void put(MemoFunction<?> fn, long k0, long k1, Object value, long weight, long expiresAt) {
        if (!keeps(weight)) {
            return;
        }
        Entry fresh = new Entry(fn, k0, k1, value, weight, expiresAt);
        synchronized (this) {
            int start = bucketStart(fn, k0, k1);
            int victim = -1;
            for (int i = start; i < start + WAYS; i++) {
                Entry e = slots.get(i);
                if (e == null || (e.k1 == k1 && e.k0 == k0 && e.fn == fn)) {
                    victim = i;
                    break;
                }
            }
            if (victim < 0) {
                // Second chance within the bucket: the first entry not referenced since the last sweep.
                for (int round = 0; round < 2 && victim < 0; round++) {
                    for (int i = start; i < start + WAYS; i++) {
                        Entry e = slots.get(i);
                        if (!e.referenced) {
                            victim = i;
                            break;
                        }
                        e.referenced = false;
                    }
                }
            }
            Entry old = slots.get(victim);
            if (old != null) {
                bytes -= old.weight;
            }
            slots.set(victim, fresh);
            bytes += weight;
            while (bytes > maxBytes) {
                evictOne(victim);
            }
        }
    }

    /** CLOCK over the whole table, sparing {@code keep} (the entry just added). */
    private void evictOne(int keep) {
        int n = slots.length();
        for (int step = 0; step < 2 * n + 1; step++) {
            int i = hand;
            hand = (hand + 1) % n;
            Entry e = slots.get(i);
            if (e == null || i == keep) {
                continue;
            }
            if (e.referenced) {
                e.referenced = false;
                continue;
            }
            slots.set(i, null);
            bytes -= e.weight;
            return;
        }
        // Only the kept entry is left.
        Entry e = slots.get(keep);
        slots.set(keep, null);
        bytes -= e.weight;
    }

    synchronized void clear() {
        for (int i = 0; i < slots.length(); i++) {
            slots.set(i, null);
        }
        bytes = 0;
    }

    synchronized long bytes() {
        return bytes;
    }
}
