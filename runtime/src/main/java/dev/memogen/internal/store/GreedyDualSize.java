package dev.memogen.internal.store;

/**
 * GreedyDual-Size (Cao and Irani, 1997): an entry's priority is {@code L + cost / size}, where
 * {@code cost} is the measured compute time and {@code size} the stored bytes. The entry with the
 * lowest priority is evicted and {@code L} rises to its priority, so entries that are not read
 * again age relative to newly stored or read ones, while an entry that took minutes to compute
 * per byte outlives a bulk of cheap ones.
 */
public final class GreedyDualSize implements EvictionPolicy {
    @Override
    public double priority(double inflation, long costNanos, long sizeBytes) {
        return inflation + (double) Math.max(1, costNanos) / Math.max(1, sizeBytes);
    }

    @Override
    public double inflationAfterEvicting(double inflation, double evicted) {
        return Double.isFinite(evicted) ? Math.max(inflation, evicted) : inflation;
    }

    @Override
    public String name() {
        return "gds";
    }
}
