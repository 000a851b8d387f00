package dev.memogen.benchmarks;

import dev.memogen.GenerateMemo;

/** The whole-process benchmark's computation ({@link FreshProcess}); {@code benchmarks/fresh_process.py} is its Python twin. */
@GenerateMemo
final class Signals {
    private Signals() {}

    /** {@code passes} rounds of a three-point moving average (ends kept): 8 MB in, 8 MB out for a million doubles. */
    static double[] smooth(double[] signal, int passes) {
        double[] a = signal.clone();
        double[] b = new double[a.length];
        for (int p = 0; p < passes; p++) {
            b[0] = a[0];
            b[a.length - 1] = a[a.length - 1];
            for (int i = 1; i < a.length - 1; i++) {
                b[i] = (a[i - 1] + a[i] + a[i + 1]) / 3;
            }
            double[] t = a;
            a = b;
            b = t;
        }
        return a;
    }
}
