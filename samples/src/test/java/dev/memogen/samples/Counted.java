package dev.memogen.samples;

import dev.memogen.GenerateMemo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Memoized functions that record every run of their bodies in a file (a side effect the cache cannot fake). */
@GenerateMemo
final class Counted {
    private Counted() {}

    static double[] series(int n, double scale) {
        record("series " + n + " " + scale);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.sin(i * scale);
        }
        return out;
    }

    static String label(String prefix, int n) {
        record("label " + prefix + " " + n);
        return prefix + "-" + n;
    }

    private static void record(String line) {
        try {
            Files.writeString(Path.of(System.getProperty("counted.log")), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Calls each function for a few arguments and prints the results, one per line. */
    public static void main(String[] args) {
        for (int n = 1; n <= 5; n++) {
            double[] s = CountedMemo.series(n * 1000, 0.01);
            System.out.println("series " + n + " " + s.length + " " + s[s.length - 1]);
            System.out.println(CountedMemo.label("run", n));
        }
    }
}
