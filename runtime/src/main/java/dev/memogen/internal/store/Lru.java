package dev.memogen.internal.store;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Least recently used: an entry's priority is the time it was last stored or read (microseconds
 * since the epoch, made strictly increasing within a process), so the entry unused for the
 * longest goes first. Cost and size are ignored. Used in tests and benchmarks as the baseline
 * for {@link GreedyDualSize}.
 */
public final class Lru implements EvictionPolicy {
    private final AtomicLong last = new AtomicLong();

    @Override
    public double priority(double inflation, long costNanos, long sizeBytes) {
        long now = System.currentTimeMillis() * 1000;
        long prev;
        long next;
        do {
            prev = last.get();
            next = Math.max(prev + 1, now);
        } while (!last.compareAndSet(prev, next));
        return next;
    }

    @Override
    public double inflationAfterEvicting(double inflation, double evicted) {
        return inflation;
    }

    @Override
    public String name() {
        return "lru";
    }
}
