package dev.memogen.benchmarks;

import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Strings through the value codec, warm: what a memory-tier hit of a mutable value holding strings
 * costs to decode (the tier keeps such a value's encoding) and what storing one costs to encode.
 * 1,000 words of 1 to 12 letters; {@code text=LATIN1} all of them in Latin-1 (one byte a char),
 * {@code MIXED} with one word in ten carrying a char above it ({@code €}: two bytes a char). The
 * cold side of the same change is whole-process (benchmarks/README.md, section 4).
 *
 * <pre>
 * java -jar benchmarks-jmh/target/memogen-benchmarks.jar StringValues
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StringValuesBenchmark {

    public enum Text { LATIN1, MIXED }

    @Param({"LATIN1", "MIXED"})
    public Text text;

    private String[] words;
    private byte[] encoded;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        words = new String[1000];
        for (int i = 0; i < words.length; i++) {
            StringBuilder w = new StringBuilder();
            int n = 1 + random.nextInt(12);
            for (int j = 0; j < n; j++) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            if (text == Text.MIXED && i % 10 == 0) {
                w.append('\u20ac');
            }
            words[i] = w.toString();
        }
        encoded = encode();
    }

    @Benchmark
    public String[] decode() {
        ValueReader in = new ValueReader(encoded);
        String[] out = new String[words.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.readString();
        }
        return out;
    }

    @Benchmark
    public byte[] encode() {
        ValueWriter out = new ValueWriter(16 * 1024);
        for (String w : words) {
            out.writeString(w);
        }
        return out.array();
    }
}
