package dev.memogen.internal.store;

/**
 * Decides which stored entry goes first when the store is over its size bound. Every entry of the
 * store index carries a priority; eviction samples a few entries and removes the one with the
 * lowest priority. A policy says what priority an entry gets when it is stored or read, and how
 * the store-wide inflation value moves when an entry is evicted.
 *
 * <p>All processes that share a store should use the same policy: priorities of different
 * policies are not comparable.
 */
public interface EvictionPolicy {

    /**
     * The priority of an entry that was just stored or read.
     *
     * @param inflation  the store's current inflation value (GreedyDual-Size's {@code L})
     * @param costNanos  how long the entry took to compute
     * @param sizeBytes  the size of its stored object
     */
    double priority(double inflation, long costNanos, long sizeBytes);

    /** The inflation value after evicting an entry of priority {@code evicted}. */
    double inflationAfterEvicting(double inflation, double evicted);

    /** {@code gds} or {@code lru}: the name used by the {@code memogen.policy} setting. */
    String name();

    /** The policy called {@code name} ({@code gds} or {@code lru}, case-insensitive). */
    static EvictionPolicy named(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (n) {
            case "", "gds", "greedydualsize", "greedy-dual-size" -> new GreedyDualSize();
            case "lru" -> new Lru();
            default -> throw new IllegalArgumentException("unknown eviction policy '" + name + "' (use gds or lru)");
        };
    }
}
