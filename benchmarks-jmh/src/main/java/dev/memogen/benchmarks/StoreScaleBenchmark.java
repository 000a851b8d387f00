package dev.memogen.benchmarks;

import dev.memogen.FunctionStats;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.internal.KeyHasher;
import dev.memogen.internal.MemoRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Does the store scale? A store of 1,000 entries against ones of 100,000 and 1,000,000: the latency of a hit
 * served by the persistent store (the in-memory tier is off, so every call reads its entry's
 * object and refreshes its priority in the index), and the time to open the store (a new
 * runtime plus its first hit).
 *
 * <p>The stores are filled once through the generated code ({@code SmallFunctionsMemo.f(i, 0)}
 * for every {@code i}, two threads) and kept under {@code target/scale-stores/} for later runs
 * (filling a million entries takes about a minute). The tear-down fails the run if a measured
 * call was not a store hit.
 *
 * <pre>
 * java -jar benchmarks-jmh/target/memogen-benchmarks.jar StoreScale
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(1)
public class StoreScaleBenchmark {
    /** Keys visited by the hit benchmark, spread over the whole store; a power of two. */
    static final int SAMPLE = 1 << 14;

    @Param({"1000", "100000", "1000000"})
    public int entries;

    final int[] keys = new int[SAMPLE];
    int next;
    Path store;
    FunctionStats beforeMeasuring;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        store = Path.of(System.getProperty("memogen.scaleStores", "target/scale-stores")).resolve("store-" + entries)
                .toAbsolutePath();
        // The marker names the hash spec and the store layout the store was filled under: a store
        // from another spec would be all stale entries, and one of another layout (before packs:
        // a file per entry) would be rebuilt when opened, so it is filled again.
        Path filled = store.resolve("filled");
        String marker = "hash spec " + KeyHasher.SPEC_VERSION + ", store layout " + STORE_LAYOUT;
        if (!Files.exists(filled) || !Files.readString(filled).equals(marker)) {
            Benchmarks.deleteRecursively(store);
            fill();
            Files.writeString(filled, marker);
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < SAMPLE; i++) {
            keys[i] = random.nextInt(entries);
        }
        open();
        for (int k : keys) { // every measured key must be a hit
            if (SmallFunctionsMemo.f(k, 0) != SmallFunctions.f(k, 0)) {
                throw new IllegalStateException("wrong value for " + k);
            }
        }
        beforeMeasuring = stats();
        if (beforeMeasuring.misses() != 0) {
            throw new IllegalStateException("the store " + store + " lacks entries: " + beforeMeasuring);
        }
    }

    private void fill() throws Exception {
        long start = System.nanoTime();
        Memogen.configure(config());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicLong next = new AtomicLong();
        Future<?>[] done = new Future<?>[2];
        for (int t = 0; t < 2; t++) {
            done[t] = pool.submit(() -> {
                for (long i; (i = next.getAndIncrement()) < entries; ) {
                    SmallFunctionsMemo.f((int) i, 0);
                }
            });
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        if (MemoRuntime.get().storedEntries() != entries) {
            throw new IllegalStateException("filled " + MemoRuntime.get().storedEntries() + " of " + entries);
        }
        System.out.printf("%nfilled %d entries (%d MiB of objects) in %.1f s%n", entries,
                MemoRuntime.get().storedBytes() >> 20, (System.nanoTime() - start) / 1e9);
    }

    /**
     * The bound: large enough that a million small entries fit (the index has a slot per 2 KiB of
     * bound and holds at most 3/4 of its slots), so nothing is evicted while filling.
     */
    static final long BOUND = 4L << 30;

    /** The store layout the kept stores were filled under: 2 since small entries are pack records. */
    static final int STORE_LAYOUT = 2;

    private MemogenSettings config() {
        return MemogenSettings.at(store).withMemorySize(0).withMaxSize(BOUND);
    }

    private void open() {
        Memogen.configure(config());
    }

    private static FunctionStats stats() {
        return Memogen.statistics(SmallFunctions.F_ID).orElseThrow();
    }

    /** A hit read from the persistent store (object file, checksum, decode, index priority refresh). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public long storeHit() {
        int i = next;
        next = (i + 1) & (SAMPLE - 1);
        return SmallFunctionsMemo.f(keys[i], 0);
    }

    /** Opening the store: a new runtime (maps the index, checks its header) and its first hit. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 30)
    public long openAndFirstHit() {
        open();
        int i = next;
        next = (i + 1) & (SAMPLE - 1);
        return SmallFunctionsMemo.f(keys[i], 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        FunctionStats after = stats();
        if (after.misses() != 0) {
            throw new IllegalStateException("some measured calls were misses: " + after);
        }
        Memogen.configure(MemogenSettings.at(store).withMaxSize(BOUND)); // let the next trial's runtime start clean
    }
}
