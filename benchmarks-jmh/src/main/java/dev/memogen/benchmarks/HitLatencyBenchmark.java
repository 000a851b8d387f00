package dev.memogen.benchmarks;

import dev.memogen.FunctionStats;
import dev.memogen.Memogen;
import dev.memogen.internal.MemoConfig;
import dev.memogen.internal.MemoRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of a cache hit: the generated memogen wrapper ({@code SmallFunctionsMemo.f}) against
 * a hand-written {@link ConcurrentHashMap} memo keyed by a record, for
 * {@code static long f(int a, int b)}; {@link #direct} calls the function itself for reference.
 *
 * <p>Every variant sees the same {@value #KEYS} argument pairs, in the same order. Both caches
 * are filled with all of them before measuring, so every measured call is a hit; the tear-down
 * checks this against memogen's statistics and fails the run if any call missed.
 *
 * <pre>
 * java -jar benchmarks-jmh/target/memogen-benchmarks.jar HitLatency -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HitLatencyBenchmark {
    /** Distinct argument pairs; a power of two so the cursor can wrap with a mask. */
    static final int KEYS = 1024;
    static final String FUNCTION_ID = "dev.memogen.benchmarks.SmallFunctions#f(int,int)";

    /** The obvious hand-written memo: a record key and a concurrent map, looked up before computing. */
    record Key(int a, int b) {}

    static final class HandWrittenMemo {
        private final ConcurrentHashMap<Key, Long> cache = new ConcurrentHashMap<>();

        long f(int a, int b) {
            Key key = new Key(a, b);
            Long cached = cache.get(key);
            if (cached != null) {
                return cached;
            }
            return cache.computeIfAbsent(key, k -> SmallFunctions.f(k.a(), k.b()));
        }

        int size() {
            return cache.size();
        }
    }

    /** Each thread walks the keys with its own cursor (no shared counter between threads). */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            int i = next;
            next = (i + 1) & (KEYS - 1);
            return i;
        }
    }

    final int[] as = new int[KEYS];
    final int[] bs = new int[KEYS];
    HandWrittenMemo handWritten;
    Path storeDirectory;
    FunctionStats beforeMeasuring;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SplittableRandom random = new SplittableRandom(20240611L);
        for (int i = 0; i < KEYS; i++) {
            as[i] = random.nextInt();
            bs[i] = random.nextInt();
        }

        storeDirectory = Files.createTempDirectory("memogen-bench-");
        MemoRuntime.install(MemoConfig.at(storeDirectory));
        handWritten = new HandWrittenMemo();
        try {
            warmUp();
        } catch (RuntimeException e) {
            Benchmarks.deleteRecursively(storeDirectory); // JMH skips the tear-down when set-up fails
            throw e;
        }
    }

    /** Fills both caches with every key and checks that memogen now answers them all from memory. */
    private void warmUp() {
        for (int i = 0; i < KEYS; i++) {
            long expected = SmallFunctions.f(as[i], bs[i]);
            if (SmallFunctionsMemo.f(as[i], bs[i]) != expected || handWritten.f(as[i], bs[i]) != expected) {
                throw new IllegalStateException("a memo returned a wrong value for f(" + as[i] + ", " + bs[i] + ")");
            }
        }
        if (handWritten.size() != KEYS) {
            throw new IllegalStateException("the key set has duplicates: " + handWritten.size() + " distinct of " + KEYS);
        }
        // A second pass must be all memory hits: otherwise the measurement would include misses.
        FunctionStats warmed = stats();
        for (int i = 0; i < KEYS; i++) {
            SmallFunctionsMemo.f(as[i], bs[i]);
        }
        beforeMeasuring = stats();
        if (beforeMeasuring.memoryHits() - warmed.memoryHits() != KEYS || beforeMeasuring.misses() != KEYS) {
            throw new IllegalStateException("memogen does not hold every key in memory after warming: " + beforeMeasuring);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        FunctionStats after = stats();
        try {
            if (after.misses() != beforeMeasuring.misses() || after.storeHits() != beforeMeasuring.storeHits()) {
                throw new IllegalStateException("some measured memogen calls were not memory hits: before "
                        + beforeMeasuring + ", after " + after);
            }
        } finally {
            Benchmarks.deleteRecursively(storeDirectory);
        }
    }

    @Benchmark
    public long direct(Cursor cursor) {
        int i = cursor.advance();
        return SmallFunctions.f(as[i], bs[i]);
    }

    @Benchmark
    public long memogen(Cursor cursor) {
        int i = cursor.advance();
        return SmallFunctionsMemo.f(as[i], bs[i]);
    }

    @Benchmark
    public long handWrittenMap(Cursor cursor) {
        int i = cursor.advance();
        return handWritten.f(as[i], bs[i]);
    }

    private static FunctionStats stats() {
        return Memogen.statistics(FUNCTION_ID)
                .orElseThrow(() -> new IllegalStateException("no memogen function " + FUNCTION_ID));
    }
}
