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
 */
public record FunctionStats(String functionId, long memoryHits, long storeHits, long misses,
        long computeNanos, long storedBytes, long invalidations, long remoteHits) {

    /** All calls that went through the cache. */
    public long calls() {
        return memoryHits + storeHits + remoteHits + misses;
    }

    /** Calls answered without running the method. */
    public long hits() {
        return memoryHits + storeHits + remoteHits;
    }
}
