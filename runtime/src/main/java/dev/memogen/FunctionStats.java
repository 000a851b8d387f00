package dev.memogen;

/**
 * What one memoized function did in this JVM.
 *
 * @param functionId    e.g. {@code com.acme.Spectra#smooth(double[],int)}
 * @param memoryHits    calls answered from the in-memory tier
 * @param storeHits     calls answered from the persistent store
 * @param misses        calls that ran the method and stored its result
 * @param computeNanos  time spent running the method on misses
 * @param storedBytes   bytes of results written to the store
 * @param invalidations stale entries found (their function version or system state changed)
 * @param remoteHits    calls answered from the remote tier ({@code memogen.remote}); the entry is
 *                      then in the local store too
 * @param savedNanos    time saved: for a store hit, the compute time stored with the entry it
 *                      returned; for a memory hit, estimated as the mean cost of the function's
 *                      values computed or read from the store in this JVM (counting each memory
 *                      hit's own value's cost would slow memory hits down)
 * @param overheadNanos memogen's own time on store reads (hits and misses) and on misses (waiting
 *                      for the key, encoding and writing the result), the method's body not
 *                      counted; memory hits and argument hashing are not timed, so that timing
 *                      them does not slow them down
 * @param readBytes     bytes of values read from the store
 */
public record FunctionStats(String functionId, long memoryHits, long storeHits, long misses,
        long computeNanos, long storedBytes, long invalidations, long remoteHits, long savedNanos,
        long overheadNanos, long readBytes) {

    /** All calls that went through the cache. */
    public long calls() {
        return memoryHits + storeHits + remoteHits + misses;
    }

    /** Calls answered without running the method. */
    public long hits() {
        return memoryHits + storeHits + remoteHits;
    }
}
