package dev.memogen.internal.core;

/**
 * A counter for the hit path: threads add to their own padded cell with a plain increment, so a
 * hit pays no locked instruction and threads do not share a cache line. Exact when one thread
 * counts; when threads that share a cell count at the very same moment, an increment can be lost
 * (statistics, never results, are affected).
 */
public final class StripedCounter {
    private static final int CELLS = 16; // a power of two
    private static final int PAD = 16; // longs per cell: 128 bytes, two cache lines

    private final long[] cells = new long[CELLS * PAD];

    @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same number
    public void increment() {
        int i = ((int) Thread.currentThread().getId() & (CELLS - 1)) * PAD;
        cells[i]++;
    }

    public long sum() {
        long s = 0;
        for (int i = 0; i < cells.length; i += PAD) {
            s += cells[i];
        }
        return s;
    }

    public void reset() {
        java.util.Arrays.fill(cells, 0);
    }
}
