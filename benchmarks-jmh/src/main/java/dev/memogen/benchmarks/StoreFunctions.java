package dev.memogen.benchmarks;

import dev.memogen.GenerateMemo;

/**
 * Functions for the persistent-tier and miss-overhead benchmarks. Generated: {@code StoreFunctionsMemo}.
 */
@GenerateMemo
final class StoreFunctions {
    private StoreFunctions() {}

    /**
     * A value of {@code size} bytes, prepared once per size, so that a put through memogen (a miss)
     * measures the store and not the making of the value. The key only selects the entry.
     */
    static byte[] blob(long key, int size) {
        return Blobs.prepared(size);
    }

    /**
     * {@code n} doubles of real (if modest) work: a damped oscillator integrated step by step, so
     * the miss overhead can be set against a computation of known cost.
     */
    static double[] series(long seed, int n) {
        double[] out = new double[n];
        double x = (seed & 0xFFFF) / 65536.0;
        double v = 0;
        for (int i = 0; i < n; i++) {
            double a = -x * 0.01 - v * 0.001 + Math.sin(i * 1e-3);
            v += a;
            x += v * 0.01;
            out[i] = x;
        }
        return out;
    }
}
