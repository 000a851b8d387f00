package dev.memogen.internal.store;

/**
 * What a store is opened with: the runtime's settings ({@code memogen.*}) that the store reads.
 *
 * @param readOnly         serve stored entries, write nothing, keep no index
 * @param packMax          entries (header, payload, checksum) up to this many bytes go to packs; 0: never
 * @param policy           the eviction policy's name ({@link EvictionPolicy#named})
 * @param maxSize          the bound of the store in bytes
 * @param lockTimeoutNanos how long to wait for the index lock before giving up on a change
 * @param lockHoldNanos    how long the index lock is kept after a change while no other process asks for it
 * @param key              the secret entries are authenticated with; {@code null} for none
 */
public record StoreSettings(boolean readOnly, long packMax, String policy, long maxSize, long lockTimeoutNanos,
        long lockHoldNanos, StoreKey key) {
    /** The largest {@code packMax}: 1 MiB. */
    public static final long MAX_PACK_MAX = 1L << 20;
}
