package dev.memogen.benchmarks;

/**
 * The program of the whole-process benchmark ({@code benchmarks/fresh-process.sh}): builds an
 * 8 MB {@code double[]} signal, smooths it ({@code Signals.smooth}, 8 MB result) and prints a
 * checksum. {@code memo} calls the generated {@code SignalsMemo.smooth} (store in
 * {@code memogen.dir}); {@code plain} calls the method itself; {@code input} calls no stage and
 * sums the signal itself (what the program costs besides its stage: building the input, printing);
 * {@code hello} only prints a line (the cost of starting the JVM on the same class path). A second argument sets the number of
 * smoothing passes (default {@value #PASSES}): 10 makes a cheap stage.
 *
 * <p>{@code floor <passes> <file>}: the least any memoizer on the JVM could do for a hit, in this
 * class alone: one pass of a hash cheaper than XXH3 over the input, then the result mapped from
 * {@code file} (its raw bytes, which {@code floor-write} writes) and copied into a new array; no
 * store, no checksum, no key, no code version. It does not memoize: it bounds what a hit can cost.
 * {@code floor-read}: the same, the file read into a direct buffer instead of mapped (the faster
 * of the two on JDK 25, where a mapped buffer's first bulk copy costs some 15 ms more; mapping is
 * the faster on JDK 17).
 *
 * <pre>
 * java -cp benchmarks-jmh/target/memogen-benchmarks.jar dev.memogen.benchmarks.FreshProcess memo [passes]
 * </pre>
 */
public final class FreshProcess {
    static final int N = 1 << 20; // doubles: 8 MiB
    static final int PASSES = 1000;

    private FreshProcess() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("hello")) {
            System.out.println("hello");
            return;
        }
        boolean memo = args.length > 0 && args[0].equals("memo");
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : PASSES;
        double[] signal = new double[N];
        for (int i = 0; i < N; i++) {
            signal[i] = Math.sin(i * 1e-3) + ((i * 2654435761L) % 1000) * 1e-4;
        }
        boolean input = args.length > 0 && args[0].equals("input");
        double[] smooth;
        if (args.length > 2 && args[0].startsWith("floor")) {
            smooth = floor(args[0], signal, passes, java.nio.file.Path.of(args[2]));
        } else {
            smooth = input ? signal : memo ? SignalsMemo.smooth(signal, passes) : Signals.smooth(signal, passes);
        }
        double sum = 0;
        for (double v : smooth) {
            sum += v;
        }
        System.out.printf("%s checksum %.6f%n", memo ? "memo" : input ? "input" : args.length > 0 && args[0].startsWith("floor") ? args[0] : "plain", sum);
    }

    /** The {@code floor} modes (see the class comment); {@code floor-write} computes the stage and writes its raw result to {@code file}. */
    private static double[] floor(String mode, double[] signal, int passes, java.nio.file.Path file) {
        try {
            if (mode.equals("floor-write")) {
                double[] out = Signals.smooth(signal, passes);
                java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(out.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                bytes.asDoubleBuffer().put(out);
                java.nio.file.Files.write(file, bytes.array());
                return out;
            }
            long h = 0x9E3779B97F4A7C15L;
            for (int i = 0; i < signal.length; i += 8) {
                h = mix(signal, i, h);
            }
            double[] out = new double[signal.length];
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
                java.nio.ByteBuffer bytes;
                if (mode.equals("floor-read")) {
                    bytes = java.nio.ByteBuffer.allocateDirect(out.length * 8);
                    while (bytes.hasRemaining() && ch.read(bytes) >= 0) {
                        // until the buffer is full or the file ends
                    }
                    bytes.flip();
                } else {
                    bytes = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size());
                }
                bytes.order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
            }
            if (h == 0) {
                System.out.println("hash 0"); // keeps the hash from being optimised away
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Eight doubles into {@code h}: a multiply and an add each, cheaper than XXH3's stripe (a method of its own, compiled early). */
    private static long mix(double[] a, int i, long h) {
        for (int j = i; j < i + 8; j++) {
            long x = Double.doubleToRawLongBits(a[j]) ^ 0x165667B19E3779F9L;
            h += (x & 0xFFFFFFFFL) * (x >>> 32);
        }
        return h;
    }
}
