package dev.memogen.benchmarks;

import java.util.concurrent.ConcurrentHashMap;

/** Deterministic, incompressible-looking values of a given size (splitmix64 of key and position). */
final class Blobs {
    private static final ConcurrentHashMap<Integer, byte[]> PREPARED = new ConcurrentHashMap<>();

    private Blobs() {}

    /** One shared value per size (callers must not change it). */
    static byte[] prepared(int size) {
        return PREPARED.computeIfAbsent(size, s -> blob(-1, s));
    }

    static byte[] blob(long key, int size) {
        byte[] out = new byte[size];
        long x = key * 0x9E37_79B9_7F4A_7C15L;
        for (int i = 0; i + 8 <= size; i += 8) {
            x += 0x9E37_79B9_7F4A_7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
            z ^= z >>> 31;
            for (int b = 0; b < 8; b++) {
                out[i + b] = (byte) (z >>> (8 * b));
            }
        }
        return out;
    }
}
