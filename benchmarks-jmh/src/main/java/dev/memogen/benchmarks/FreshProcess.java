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
        double[] smooth = input ? signal : memo ? SignalsMemo.smooth(signal, passes) : Signals.smooth(signal, passes);
        double sum = 0;
        for (double v : smooth) {
            sum += v;
        }
        System.out.printf("%s checksum %.6f%n", memo ? "memo" : input ? "input" : "plain", sum);
    }
}
