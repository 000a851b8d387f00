package dev.memogen.internal;

import dev.memogen.internal.core.MemoConfig;
import java.nio.file.Path;

/**
 * The functions and values of the store in {@code src/test/resources/legacy-store}, which was
 * written by this class's {@link #main} running on memogen 3c18fba, when entry checksums and
 * function id hashes were computed by hash4j. {@link LegacyStoreTest} reads it with the current
 * code. Entries of every kind: small ones in a pack, a 100 KB one in a file of its own written
 * and read whole, and a 1.1 MB one written in slices and decoded as it is read (both checksums
 * streamed); an id with non-ASCII characters (its hash names the object directory).
 */
final class LegacyStoreFixture {
    private LegacyStoreFixture() {}

    static final MemoFunction<String> TEXT =
            MemoFunction.create("legacy.Größe#text(int)", "v1", StoreTestSupport.STRING, false);
    static final MemoFunction<String> PAGE =
            MemoFunction.create("legacy.F#page(int)", "v1", StoreTestSupport.STRING, false);
    static final MemoFunction<double[]> SERIES =
            MemoFunction.create("legacy.F#series(int)", "v1", StoreTestSupport.DOUBLES, true);

    static final int TEXTS = 40;
    static final int PAGES = 3;
    static final int SERIES_COUNT = 1;

    static String text(int x) {
        return "entry " + x + " ".repeat(x * 7) + "\u00e9\u4e2d\ud83d\ude00".repeat(x);
    }

    static String page(int x) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < 100_000 + x; i++) {
            b.append(i * 31 + x).append(',');
        }
        return b.toString();
    }

    static double[] series(int x) {
        double[] a = new double[140_000 + 3 * x]; // 1.1 MB: above FileStore.STREAM_ABOVE
        for (int i = 0; i < a.length; i++) {
            a[i] = x * 1e6 + i * 0.25;
        }
        return a;
    }

    /**
     * Calls every function of the fixture on the store at {@code dir} and returns how many calls
     * computed their value (0 when every call is a hit); throws if a value differs.
     */
    static int readAll(Path dir) {
        MemoRuntime.install(MemoConfig.at(dir).withMemoryTierBytes(0));
        int[] computed = {0};
        for (int x = 0; x < TEXTS; x++) {
            String v = StoreTestSupport.call(TEXT, x, y -> {
                computed[0]++;
                return text(y);
            });
            check(v.equals(text(x)), TEXT, x);
        }
        for (int x = 0; x < PAGES; x++) {
            String v = StoreTestSupport.call(PAGE, x, y -> {
                computed[0]++;
                return page(y);
            });
            check(v.equals(page(x)), PAGE, x);
        }
        for (int x = 0; x < SERIES_COUNT; x++) {
            double[] v = StoreTestSupport.call(SERIES, x, y -> {
                computed[0]++;
                return series(y);
            });
            check(java.util.Arrays.equals(v, series(x)), SERIES, x);
        }
        return computed[0];
    }

    private static void check(boolean same, MemoFunction<?> fn, int x) {
        if (!same) {
            throw new AssertionError(fn.id() + "(" + x + ") returned another value");
        }
    }

    /** Writes the store into {@code args[0]}; with {@code args[1] = "read"}, reads it and prints how many calls computed. */
    public static void main(String[] args) {
        if (args.length > 1) {
            System.out.println("computed " + readAll(Path.of(args[0])));
            return;
        }
        MemoRuntime.install(MemoConfig.at(Path.of(args[0])).withMemoryTierBytes(0));
        for (int x = 0; x < TEXTS; x++) {
            StoreTestSupport.call(TEXT, x, LegacyStoreFixture::text);
        }
        for (int x = 0; x < PAGES; x++) {
            StoreTestSupport.call(PAGE, x, LegacyStoreFixture::page);
        }
        for (int x = 0; x < SERIES_COUNT; x++) {
            StoreTestSupport.call(SERIES, x, LegacyStoreFixture::series);
        }
    }
}
