package dev.memogen.benchmarks;

import dev.memogen.internal.MemoFunction;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the code fingerprint of a memoized method costs on its first call: reading and hashing
 * the bytecode of everything {@link FiftyClasses#run(int)} reaches (52 application classes,
 * with lambdas and interface calls whose implementations are looked up in the application's
 * classes, here the whole benchmark jar). Paid once per function and JVM, never on a hit.
 *
 * <ul>
 *   <li>{@code coldFirstCall}: in a fresh JVM, the very first fingerprint (class loading and
 *       JIT warm-up of memogen's own code included), one shot per fork.
 *   <li>{@code warm}: another fingerprint over the same code in a warmed-up JVM; class files
 *       parsed by an earlier fingerprint are reused, so this is the traversal and hashing.
 * </ul>
 *
 * <pre>
 * java -jar benchmarks-jmh/target/memogen-benchmarks.jar Fingerprint
 * </pre>
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FingerprintBenchmark {

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Fork(10)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public String coldFirstCall() {
        return MemoFunction.fingerprint(FiftyClasses.class, "run", "(I)I");
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Fork(1)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public String warm() {
        return MemoFunction.fingerprint(FiftyClasses.class, "run", "(I)I");
    }
}
