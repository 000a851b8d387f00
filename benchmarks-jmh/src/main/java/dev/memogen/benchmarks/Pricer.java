package dev.memogen.benchmarks;

import dev.memogen.GenerateMemo;

/**
 * The instance-method function of the hot-hit comparison ({@link HotHitBenchmark#instanceMethod}):
 * a service object with three fields, as a user would write one. Generated: {@code PricerMemo},
 * whose {@code price(Pricer, int)} keys by the three fields and the argument.
 */
@GenerateMemo
final class Pricer {
    private final String region;
    private final double rate;
    private final int scale;

    Pricer(String region, double rate, int scale) {
        this.region = region;
        this.rate = rate;
        this.scale = scale;
    }

    String region() {
        return region;
    }

    double rate() {
        return rate;
    }

    int scale() {
        return scale;
    }

    /** A few dozen floating-point steps: cheap, but not foldable by the JIT. */
    double price(int quantity) {
        double p = rate * quantity;
        for (int k = 0; k < 32; k++) {
            p = p * 0.999 + scale * 1e-3 + region.length();
        }
        return p;
    }
}
