package dev.memogen.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Cached[].class);

    /**
     * The table of the runtime in use, read by {@link #probe} with one load: a hit then costs a
     * load of this field, of the slot and of the entry's fields. Before any runtime exists, an
     * empty bucket.
     */
    private static volatile Cached[] active = new Cached[WAYS];

    private final Cached[] slots;
    private final long maxBytes;
    private long bytes; // guarded by this
    private int hand; // guarded by this

    MemoryTier(long maxBytes, int buckets) {
        int b = Integer.highestOneBit(Math.max(1, buckets));
        this.slots = new Cached[b * WAYS];
        this.maxBytes = Math.max(0, maxBytes);
    }

    /** Makes this the table {@link #probe} reads (the runtime in use changed). */
    void activate() {
        active = slots;
    }

    /** Keys are digests or packed argument bytes (then often mostly zero): mix before indexing. */
    private static int bucketStart(int slotCount, MemoFunction<?> fn, long k0, long k1) {
        long h = (k0 ^ Long.rotateLeft(k1, 29) ^ fn.bucketSalt()) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & (slotCount - WAYS);
    }

    /** The live entry of the runtime in use for the memory key, or {@code null}. Allocates nothing. */
    static Cached probe(MemoFunction<?> fn, long m0, long m1) {
        return find(active, fn, m0, m1);
    }

    private static Cached find(Cached[] slots, MemoFunction<?> fn, long m0, long m1) {
        int start = bucketStart(slots.length, fn, m0, m1);
        for (int i = start; i < start + WAYS; i++) {
            Cached e = (Cached) SLOT.getAcquire(slots, i);
            if (e != null && e.m1 == m1 && e.m0 == m0 && e.fn == fn) {
                if (e.expiresAt != Long.MAX_VALUE && System.currentTimeMillis() >= e.expiresAt) {
                    return null; // older than its ttl: the store decides (and replaces it)
                }
                if (e.recorded != null && e.recorded.stale()) {
                    return null; // a file it depends on changed: the store decides (and replaces it)
                }
                if (e.fn.restoresFiles && !e.fn.filesInPlace(e)) {
                    return null; // a result file that cannot be put back: the store decides
                }
                if (!e.referenced) {
                    e.referenced = true;
                }
                return e;
            }
        }
        return null;
    }

    /** The entry of this tier for the memory key, or {@code null}. */
    Cached get(MemoFunction<?> fn, long m0, long m1) {
        return find(slots, fn, m0, m1);
    }

    /** Keeps {@code value} under its digest, unless it weighs more than the whole tier. */
    void put(MemoFunction<?> fn, long k0, long k1, Object value, long weight) {
        put(fn, k0, k1, k0, k1, value, null, weight, Long.MAX_VALUE, null, 0);
    }

    /** Whether a value of this weight would be kept: at most the whole tier ({@link #keepLimit}). */
    boolean keeps(long weight) {
        return weight <= keepLimit();
    }

    /**
     * Whether a value of this weight is large: more than an eighth of the tier. A large value read
     * from the store is kept from its function's second such read in this JVM on (see
     * MemoFunction.KeepsRead): keeping it costs the first read a whole copy of its file, which a
     * program that reads it once (a rerun) would pay for nothing.
     */
    boolean large(long weight) {
        return weight > maxBytes / 8;
    }

    /**
     * The largest weight a value may have and be kept: the tier's bound. A value as large as the
     * tier makes room by evicting the others, as in any cache bounded by weight; the alternative,
     * never keeping it, read a 16 MB array back from the store at every call (about 50 ms each,
     * against a few for a copy from memory).
     */
    long keepLimit() {
        return maxBytes;
    }

    /**
     * Keeps {@code value} under the memory key ({@code m0}, {@code m1}) until {@code expiresAt}
     * (epoch millis), unless it weighs more than the whole tier. ({@code k0}, {@code k1}) is
     * the store key, {@code args} what {@link Cached#args()} returns, {@code recorded} what a hit
     * checks and replays ({@code null} for nothing), {@code cost} what computing the value took
     * (nanoseconds: the time a hit saves).
     */
    void put(MemoFunction<?> fn, long m0, long m1, long k0, long k1, Object value, Object args, long weight,
            long expiresAt, Recorded recorded, long cost) {
        if (!keeps(weight)) {
            return;
        }
        Cached fresh = new Cached(fn, m0, m1, k0, k1, value, args, weight, expiresAt, recorded, cost);
        synchronized (this) {
            int start = bucketStart(slots.length, fn, m0, m1);
            int victim = -1;
            for (int i = start; i < start + WAYS; i++) {
                Cached e = slots[i];
                if (e != null && e.m1 == m1 && e.m0 == m0 && e.fn == fn) {
                    victim = i;
                    break;
                }
                if (e == null && victim < 0) {
                    victim = i;
                }
            }
            if (victim < 0) {
                // Second chance within the bucket: the first entry not referenced since the last sweep.
                for (int round = 0; round < 2 && victim < 0; round++) {
                    for (int i = start; i < start + WAYS; i++) {
                        Cached e = slots[i];
                        if (!e.referenced) {
                            victim = i;
                            break;
                        }
                        e.referenced = false;
                    }
                }
            }
            Cached old = slots[victim];
            if (old != null) {
                bytes -= old.weight;
            }
            SLOT.setRelease(slots, victim, fresh);
            bytes += weight;
            while (bytes > maxBytes) {
                evictOne(victim);
            }
        }
    }

    /** CLOCK over the whole table, sparing {@code keep} (the entry just added). */
    private void evictOne(int keep) {
        int n = slots.length;
        for (int step = 0; step < 2 * n + 1; step++) {
            int i = hand;
            hand = (hand + 1) % n;
            Cached e = slots[i];
            if (e == null || i == keep) {
                continue;
            }
            if (e.referenced) {
                e.referenced = false;
                continue;
            }
            SLOT.setRelease(slots, i, (Cached) null);
            bytes -= e.weight;
            return;
        }
        // Only the kept entry is left.
        Cached e = slots[keep];
        SLOT.setRelease(slots, keep, (Cached) null);
        bytes -= e.weight;
    }

    synchronized void clear() {
        for (int i = 0; i < slots.length; i++) {
            SLOT.setRelease(slots, i, (Cached) null);
        }
        bytes = 0;
    }

    synchronized long bytes() {
        return bytes;
    }
}
