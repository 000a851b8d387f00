package dev.memogen;

import java.nio.file.Path;
import java.util.List;

/**
 * What a persistent store holds, as its index counts it ({@link Memogen#storeStatistics}).
 *
 * <pre>{@code
 * StoreStatistics s = Memogen.storeStatistics(MemogenSettings.at(Path.of(".memogen")), null);
 * System.out.println(s.entries() + " entries, " + s.bytes() + " of " + s.maxSize() + " bytes");
 * }</pre>
 *
 * @param directory    the store's directory
 * @param entries      entries in the store
 * @param bytes        bytes of the entries (object files and pack records)
 * @param maxSize      the bound of the settings the statistics were taken with ({@code memogen.maxSize});
 *                     the programs using the store may have another
 * @param computeNanos the compute time stored with the entries: what one hit on each saves
 * @param functions    per function, most bytes first
 * @param hits         calls answered without computing (from memory, the store or the remote tier),
 *                     summed over every JVM that used the store, as each recorded them at its end
 * @param misses       calls computed, summed likewise
 * @param savedNanos   an estimate of the compute time the hits saved: the sum of the functions'
 *                     {@link Function#savedNanos()}
 */
public record StoreStatistics(Path directory, long entries, long bytes, long maxSize, long computeNanos,
        List<Function> functions, long hits, long misses, long savedNanos) {

    public StoreStatistics {
        functions = List.copyOf(functions);
    }

    /**
     * One function's entries.
     *
     * @param functionId   its id, e.g. {@code com.acme.Spectra#smooth(double[],int)}; {@code null} when
     *                     the store has no names file for it ({@code functions/})
     * @param functionHash its id hash: 16 hex digits, the name of its {@code objects/} directory
     * @param entries      its entries in the store
     * @param bytes        their bytes
     * @param computeNanos the compute time stored with them
     * @param hits         its calls answered without computing (memory, store and remote hits), summed
     *                     over every JVM that used the store: each adds its counts as it ends (or as its
     *                     runtime is replaced), so a JVM still running is not counted yet
     * @param misses       its calls computed, summed likewise
     * @param missNanos    the time those misses spent computing
     * @param savedNanos   an estimate of the compute time the hits saved: {@code hits} times the mean
     *                     compute time of its stored entries (0 without entries)
     */
    public record Function(String functionId, String functionHash, long entries, long bytes, long computeNanos,
            long hits, long misses, long missNanos, long savedNanos) {
        /** The id, or the id hash when the id is not known. */
        public String name() {
            return functionId != null ? functionId : functionHash;
        }
    }
}
