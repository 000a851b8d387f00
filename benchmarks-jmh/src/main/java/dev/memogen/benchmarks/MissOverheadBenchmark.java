package dev.memogen.benchmarks;

import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Group 5 of the published benchmarks, the miss: what memogen adds to a call whose result is not
 * stored yet (hash the arguments, look up memory and store, single flight, run the method, encode,
 * write the object file atomically, index it, keep it in memory), set against the method alone.
 * {@code StoreFunctions.series(seed, n)} returns {@code n} doubles; every measured memogen call
 * has a seed never seen before. The overhead is {@code memogenMiss - direct}.
 *
 * <pre>
 * java -jar benchmarks-jmh/target/memogen-benchmarks.jar MissOverhead
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MissOverheadBenchmark {
    /** Doubles returned: 8 B, 8 KiB, 1 MiB results. */
    @Param({"1", "1024", "131072"})
    public int n;

    Path directory;
    long seed;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("memogen-miss-");
        Memogen.configure(MemogenSettings.at(directory).withMaxSize(512L << 20));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Memogen.configure(MemogenSettings.at(directory));
        Benchmarks.deleteRecursively(directory);
    }

    @Benchmark
    public double[] direct() {
        return StoreFunctions.series(seed++, n);
    }

    @Benchmark
    public double[] memogenMiss() {
        return StoreFunctionsMemo.series(seed++, n);
    }
}
