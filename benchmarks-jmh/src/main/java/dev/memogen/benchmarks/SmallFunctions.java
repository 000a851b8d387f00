package dev.memogen.benchmarks;

import dev.memogen.GenerateMemo;

/**
 * Functions whose memoized forms ({@code SmallFunctionsMemo}, generated) are benchmarked. Pure,
 * and cheap enough that the cost of a cache hit is clearly visible next to them.
 */
@GenerateMemo
final class SmallFunctions {
    private SmallFunctions() {}

    /** The function id of {@link #f}, for its statistics. */
    static final String F_ID = "dev.memogen.benchmarks.SmallFunctions#f(int,int)";

    /**
     * A little real work (a few dozen dependent multiply-xor-shift steps), so that calling it
     * directly is a meaningful reference next to a cache hit, and the JIT cannot fold it away.
     */
    static long f(int a, int b) {
        long x = ((long) a << 32) ^ (b & 0xFFFF_FFFFL);
        for (int i = 0; i < 64; i++) {
            x ^= x >>> 29;
            x *= 0xBF58_476D_1CE4_E5B9L;
            x += i;
        }
        return x;
    }
}
