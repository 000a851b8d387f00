package dev.memogen.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheLoader;
import com.google.common.cache.LoadingCache;
import dev.memogen.FunctionStats;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.benchmarks.HitFunctions.Fit;
import dev.memogen.benchmarks.HitFunctions.Sample;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Group 1 of the published benchmarks: a hit with small arguments, memogen's generated wrapper
 * against the caches a Java developer would otherwise write, for {@code long f(int, int)}
 * ({@link #smallInts}), {@code Fit fit(Sample, double)} with a record argument and a record
 * result ({@link #recordAndDouble}), and an instance method {@code double price(int)} of a
 * {@link Pricer} with three fields, keyed by them and the argument ({@link #instanceMethod}).
 *
 * <p>Organised like Caffeine's own benchmarks: a small facade ({@link Memo}), one adapter per
 * competitor, chosen by the {@link #cache} parameter, and pre-generated keys that every
 * competitor sees in the same order. Every cache holds all {@value #KEYS} keys before measuring,
 * so each measured call is a hit; for memogen the tear-down checks this against its statistics.
 *
 * <pre>
 * java -jar benchmarks-jmh/target/memogen-benchmarks.jar HotHit -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HotHitBenchmark {
    /** Distinct keys per function; a power of two so the cursor wraps with a mask. */
    static final int KEYS = 1024;

    /** What every competitor offers: the two memoized functions. */
    interface Memo {
        long f(int a, int b);

        Fit fit(Sample sample, double weight);

        double price(Pricer pricer, int quantity);
    }

    record IntsKey(int a, int b) {}

    /** What a hand-written memo of an instance method keys by: the receiver's fields and the argument. */
    record PriceKey(String region, double rate, int scale, int quantity) {
        PriceKey(Pricer p, int quantity) {
            this(p.region(), p.rate(), p.scale(), quantity);
        }
    }

    record FitKey(Sample sample, double weight) {}

    public enum CacheType {
        /** The generated wrappers {@code SmallFunctionsMemo.f} and {@code HitFunctionsMemo.fit}. */
        MEMOGEN {
            @Override
            Memo create() {
                return new Memo() {
                    @Override
                    public long f(int a, int b) {
                        return SmallFunctionsMemo.f(a, b);
                    }

                    @Override
                    public Fit fit(Sample sample, double weight) {
                        return HitFunctionsMemo.fit(sample, weight);
                    }

                    @Override
                    public double price(Pricer pricer, int quantity) {
                        return PricerMemo.price(pricer, quantity);
                    }
                };
            }
        },
        /** A record key in a {@link ConcurrentHashMap}: get, then computeIfAbsent on a miss. */
        HAND_WRITTEN_MAP {
            @Override
            Memo create() {
                ConcurrentHashMap<IntsKey, Long> ints = new ConcurrentHashMap<>();
                ConcurrentHashMap<FitKey, Fit> fits = new ConcurrentHashMap<>();
                ConcurrentHashMap<PriceKey, Double> prices = new ConcurrentHashMap<>();
                return new Memo() {
                    @Override
                    public long f(int a, int b) {
                        IntsKey key = new IntsKey(a, b);
                        Long v = ints.get(key);
                        return v != null ? v : ints.computeIfAbsent(key, k -> SmallFunctions.f(k.a(), k.b()));
                    }

                    @Override
                    public Fit fit(Sample sample, double weight) {
                        FitKey key = new FitKey(sample, weight);
                        Fit v = fits.get(key);
                        return v != null ? v : fits.computeIfAbsent(key, k -> HitFunctions.fit(k.sample(), k.weight()));
                    }

                    @Override
                    public double price(Pricer pricer, int quantity) {
                        PriceKey key = new PriceKey(pricer, quantity);
                        Double v = prices.get(key);
                        return v != null ? v : prices.computeIfAbsent(key, k -> pricer.price(quantity));
                    }
                };
            }
        },
        /** Caffeine {@code Cache.get(key, mappingFunction)}, bounded by entry count like memogen's memory tier. */
        CAFFEINE {
            @Override
            Memo create() {
                com.github.benmanes.caffeine.cache.Cache<IntsKey, Long> ints =
                        Caffeine.newBuilder().maximumSize(4 * KEYS).build();
                com.github.benmanes.caffeine.cache.Cache<FitKey, Fit> fits =
                        Caffeine.newBuilder().maximumSize(4 * KEYS).build();
                com.github.benmanes.caffeine.cache.Cache<PriceKey, Double> prices =
                        Caffeine.newBuilder().maximumSize(4 * KEYS).build();
                return new Memo() {
                    @Override
                    public long f(int a, int b) {
                        return ints.get(new IntsKey(a, b), k -> SmallFunctions.f(k.a(), k.b()));
                    }

                    @Override
                    public Fit fit(Sample sample, double weight) {
                        return fits.get(new FitKey(sample, weight), k -> HitFunctions.fit(k.sample(), k.weight()));
                    }

                    @Override
                    public double price(Pricer pricer, int quantity) {
                        return prices.get(new PriceKey(pricer, quantity), k -> pricer.price(quantity));
                    }
                };
            }
        },
        /** Guava {@code LoadingCache.getUnchecked}, bounded by entry count. */
        GUAVA {
            @Override
            Memo create() {
                LoadingCache<IntsKey, Long> ints = CacheBuilder.newBuilder().maximumSize(4 * KEYS)
                        .build(CacheLoader.from(k -> SmallFunctions.f(k.a(), k.b())));
                LoadingCache<FitKey, Fit> fits = CacheBuilder.newBuilder().maximumSize(4 * KEYS)
                        .build(CacheLoader.from(k -> HitFunctions.fit(k.sample(), k.weight())));
                com.google.common.cache.Cache<PriceKey, Double> prices =
                        CacheBuilder.newBuilder().maximumSize(4 * KEYS).build();
                return new Memo() {
                    @Override
                    public long f(int a, int b) {
                        return ints.getUnchecked(new IntsKey(a, b));
                    }

                    @Override
                    public Fit fit(Sample sample, double weight) {
                        return fits.getUnchecked(new FitKey(sample, weight));
                    }

                    @Override
                    public double price(Pricer pricer, int quantity) {
                        try {
                            return prices.get(new PriceKey(pricer, quantity), () -> pricer.price(quantity));
                        } catch (java.util.concurrent.ExecutionException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                };
            }
        };

        abstract Memo create();
    }

    /** Each thread walks the keys with its own cursor. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            int i = next;
            next = (i + 1) & (KEYS - 1);
            return i;
        }
    }

    @Param
    public CacheType cache;

    final int[] as = new int[KEYS];
    final int[] bs = new int[KEYS];
    final Sample[] samples = new Sample[KEYS];
    final double[] weights = new double[KEYS];
    final Pricer[] pricers = new Pricer[KEYS];
    final int[] quantities = new int[KEYS];
    Memo memo;
    Path storeDirectory;
    long missesBefore;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SplittableRandom random = new SplittableRandom(20240611L);
        for (int i = 0; i < KEYS; i++) {
            as[i] = random.nextInt();
            bs[i] = random.nextInt();
            samples[i] = new Sample("sample-" + i, random.nextDouble(), random.nextDouble(), random.nextInt(100));
            weights[i] = random.nextDouble();
            pricers[i] = new Pricer("region-" + (i % 16), random.nextDouble(), random.nextInt(10));
            quantities[i] = random.nextInt(1000);
        }
        storeDirectory = Files.createTempDirectory("memogen-hothit-");
        Memogen.configure(MemogenSettings.at(storeDirectory));
        memo = cache.create();
        for (int pass = 0; pass < 2; pass++) { // the second pass must be all hits
            for (int i = 0; i < KEYS; i++) {
                if (memo.f(as[i], bs[i]) != SmallFunctions.f(as[i], bs[i])
                        || !memo.fit(samples[i], weights[i]).equals(HitFunctions.fit(samples[i], weights[i]))
                        || memo.price(pricers[i], quantities[i]) != pricers[i].price(quantities[i])) {
                    throw new IllegalStateException(cache + " returned a wrong value for key " + i);
                }
            }
        }
        missesBefore = misses();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (misses() != missesBefore) {
                throw new IllegalStateException("memogen missed " + (misses() - missesBefore) + " measured calls");
            }
        } finally {
            Benchmarks.deleteRecursively(storeDirectory);
        }
    }

    private static long misses() {
        long n = 0;
        for (String id : new String[] {SmallFunctions.F_ID,
                "dev.memogen.benchmarks.HitFunctions#fit(dev.memogen.benchmarks.HitFunctions.Sample,double)",
                "dev.memogen.benchmarks.Pricer#price(int)"}) {
            n += Memogen.statistics(id).map(FunctionStats::misses).orElse(0L);
        }
        return n;
    }

    @Benchmark
    public long smallInts(Cursor cursor) {
        int i = cursor.advance();
        return memo.f(as[i], bs[i]);
    }

    @Benchmark
    public Fit recordAndDouble(Cursor cursor) {
        int i = cursor.advance();
        return memo.fit(samples[i], weights[i]);
    }

    @Benchmark
    public double instanceMethod(Cursor cursor) {
        int i = cursor.advance();
        return memo.price(pricers[i], quantities[i]);
    }
}
