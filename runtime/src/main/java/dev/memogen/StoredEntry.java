package dev.memogen;

/**
 * One entry of a persistent store ({@link Memogen#storedEntries}).
 *
 * @param functionId    its function's id; {@code null} when the store has no names file for it
 * @param functionHash  its function's id hash (16 hex digits)
 * @param key           its argument key (32 hex digits)
 * @param packed        whether it is a record of a pack file (else an object file of its own)
 * @param bytes         its size in the store
 * @param createdMillis when it was stored (epoch millis), -1 when its header cannot be read
 * @param computeNanos  how long computing it took: what a hit on it saves
 * @param priority      its eviction priority (the lowest is evicted first)
 */
public record StoredEntry(String functionId, String functionHash, String key, boolean packed, long bytes,
        long createdMillis, long computeNanos, double priority) {
    /** The function's id, or its id hash when the id is not known. */
    public String functionName() {
        return functionId != null ? functionId : functionHash;
    }
}
