package dev.memogen.internal.store;

/**
 * Where the store tells what it could not do and what it found and repaired. The runtime logs it;
 * the store itself never decides how.
 */
public interface Reports {
    /** A failure (a file that cannot be opened, written or deleted): worth one warning per kind. */
    void warnOnce(String kind, String message, Throwable cause);

    /** Something found and repaired (a damaged entry or index, an orphan). */
    void event(String kind, String message);

    /**
     * An entry was evicted to keep the store within its bound: the function's id hash, the key as
     * the index holds it, its size in bytes and the compute cost stored with it (nanoseconds).
     * Called under the index lock: it must be quick. Nothing by default.
     */
    default void evicted(long functionHash, long k0, long k1, long bytes, long costNanos) {}
}
