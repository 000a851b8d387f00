package dev.memogen.benchmarks;

import dev.memogen.GenerateMemo;

/**
 * The record-argument function of the hot-hit comparison ({@link HotHitBenchmark}); the
 * {@code long f(int, int)} one is {@link SmallFunctions#f}. Generated: {@code HitFunctionsMemo}.
 */
@GenerateMemo
final class HitFunctions {
    private HitFunctions() {}

    /** A small immutable argument, as a user would pass one. */
    record Sample(String name, double x, double y, int n) {}

    /** A small immutable result. */
    record Fit(double slope, double intercept) {}

    /** A few dozen floating-point steps: cheap, but not foldable by the JIT. */
    static Fit fit(Sample sample, double weight) {
        double s = sample.x() * weight;
        double i = sample.y();
        for (int k = 0; k < 32; k++) {
            s = s * 0.999 + i * 1e-3 + sample.n();
            i = i * 0.998 - s * 1e-4;
        }
        return new Fit(s, i);
    }
}
