package dev.memogen.benchmarks;

import dev.memogen.FunctionStats;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.map.ChronicleMap;
import org.ehcache.Cache;
import org.ehcache.PersistentCacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Group 3 of the published benchmarks: the persistent tier. Put and get of one value of
 * {@link #valueBytes} bytes, keyed by a {@code long}, in memogen's store against Ehcache 3 with a
 * persistent disk tier, a MapDB file, a persisted Chronicle Map, and plain
 * {@code Files.write}/{@code Files.readAllBytes} of one file per key as the yardstick.
 *
 * <p>memogen is driven the way a user drives it, through a generated wrapper
 * ({@code StoreFunctionsMemo.blob(key, size)}) with the in-memory tier off: a get is a store hit
 * (read the object file, verify checksum and key, decode into a new array); a put is a miss with a
 * key never seen before (hash, look up, run the function, which only returns a prepared value, then
 * encode, write a temporary file, move it into place, index it, and evict to stay within
 * 512 MiB). The other stores overwrite a rotating set of {@link #slots} keys. Every store is read
 * through the OS page cache: this is the cost of the store's code, not of the disk.
 *
 * <pre>
 * java -jar benchmarks-jmh/target/memogen-benchmarks.jar PersistentTier -p valueBytes=1024
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Dchronicle.analytics.disable=true",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PersistentTierBenchmark {
    static final long MEMOGEN_BOUND = 512L << 20;

    /** A key-value store of byte arrays on disk: the facade every competitor implements. */
    interface BlobStore extends AutoCloseable {
        void put(long key, byte[] value);

        byte[] get(long key);

        @Override
        void close() throws Exception;
    }

    public enum StoreType {
        /** Through {@code StoreFunctionsMemo.blob}: the put is a miss, the get a store hit. */
        MEMOGEN {
            @Override
            BlobStore open(Path dir, int valueBytes, int slots) {
                return memogen(dir, valueBytes, null);
            }
        },
        /** {@link #MEMOGEN} with {@code memogen.key} set: every entry written with an HMAC-SHA256 tag, checked on read. */
        MEMOGEN_KEYED {
            @Override
            BlobStore open(Path dir, int valueBytes, int slots) {
                return memogen(dir, valueBytes, "a benchmark's secret");
            }
        },
        /** One file per key: {@code Files.write} (truncating) and {@code Files.readAllBytes}. */
        FILES {
            @Override
            BlobStore open(Path dir, int valueBytes, int slots) {
                return new BlobStore() {
                    @Override
                    public void put(long key, byte[] value) {
                        try {
                            Files.write(dir.resolve(Long.toHexString(key)), value);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override
                    public byte[] get(long key) {
                        try {
                            return Files.readAllBytes(dir.resolve(Long.toHexString(key)));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override
                    public void close() {}
                };
            }
        },
        /** Ehcache 3: a persistent disk tier behind the one-entry heap tier it requires. */
        EHCACHE {
            @Override
            BlobStore open(Path dir, int valueBytes, int slots) {
                PersistentCacheManager manager = CacheManagerBuilder.newCacheManagerBuilder()
                        .with(CacheManagerBuilder.persistence(dir.toFile()))
                        .withCache("blobs", CacheConfigurationBuilder.newCacheConfigurationBuilder(Long.class,
                                byte[].class, ResourcePoolsBuilder.newResourcePoolsBuilder()
                                        .heap(1, EntryUnit.ENTRIES)
                                        .disk(2, MemoryUnit.GB, true)))
                        .build(true);
                Cache<Long, byte[]> cache = manager.getCache("blobs", Long.class, byte[].class);
                return new BlobStore() {
                    @Override
                    public void put(long key, byte[] value) {
                        cache.put(key, value);
                    }

                    @Override
                    public byte[] get(long key) {
                        return cache.get(key);
                    }

                    @Override
                    public void close() {
                        manager.close();
                    }
                };
            }
        },
        /** MapDB 3: an HTreeMap in a memory-mapped file (no write-ahead log: its default). */
        MAPDB {
            @Override
            BlobStore open(Path dir, int valueBytes, int slots) {
                DB db = DBMaker.fileDB(dir.resolve("mapdb").toFile()).fileMmapEnableIfSupported().make();
                HTreeMap<Long, byte[]> map = db.hashMap("blobs", Serializer.LONG, Serializer.BYTE_ARRAY).createOrOpen();
                return new BlobStore() {
                    @Override
                    public void put(long key, byte[] value) {
                        map.put(key, value);
                    }

                    @Override
                    public byte[] get(long key) {
                        return map.get(key);
                    }

                    @Override
                    public void close() {
                        db.close();
                    }
                };
            }
        },
        /** Chronicle Map persisted to a file, sized for the slots and the value size. */
        CHRONICLE_MAP {
            @Override
            BlobStore open(Path dir, int valueBytes, int slots) throws IOException {
                ChronicleMap<Long, byte[]> map = ChronicleMap.of(Long.class, byte[].class)
                        .name("blobs")
                        .entries(slots)
                        .averageValueSize(valueBytes)
                        .createPersistedTo(dir.resolve("chronicle.map").toFile());
                return new BlobStore() {
                    @Override
                    public void put(long key, byte[] value) {
                        map.put(key, value);
                    }

                    @Override
                    public byte[] get(long key) {
                        return map.get(key);
                    }

                    @Override
                    public void close() {
                        map.close();
                    }
                };
            }
        };

        abstract BlobStore open(Path dir, int valueBytes, int slots) throws IOException;

        /** memogen's store through {@code StoreFunctionsMemo.blob}, with {@code key} ({@code memogen.key}) or none. */
        static BlobStore memogen(Path dir, int valueBytes, String key) {
            Memogen.configure(MemogenSettings.at(dir).withMemorySize(0).withMaxSize(MEMOGEN_BOUND).withKey(key));
            return new BlobStore() {
                @Override
                public void put(long k, byte[] value) {
                    // a fresh key: StoreFunctions.blob runs, returns its prepared value, and memogen stores it
                    StoreFunctionsMemo.blob(k, value.length);
                }

                @Override
                public byte[] get(long k) {
                    return StoreFunctionsMemo.blob(k, valueBytes);
                }

                @Override
                public void close() {
                    Memogen.configure(MemogenSettings.at(dir));
                }
            };
        }
    }

    @Param
    public StoreType store;

    @Param({"1024", "8388608"})
    public int valueBytes;

    /** Keys the gets (and, except memogen's, the puts) rotate over: 1024 small values, or 16 large ones. */
    int slots;
    Path directory;
    BlobStore blobs;
    /** The value every store is given (memogen's function returns the same prepared array). */
    byte[] value;
    long nextKey;
    int next;
    long missesBeforeGets;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        slots = valueBytes <= 4096 ? 1024 : 16;
        directory = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "memogen-tier-");
        value = Blobs.prepared(valueBytes);
        blobs = store.open(directory, valueBytes, slots);
        for (int i = 0; i < slots; i++) {
            blobs.put(i, value);
        }
        for (int i = 0; i < slots; i++) { // every get must find its value, whole
            byte[] v = blobs.get(i);
            if (v == null || !java.util.Arrays.equals(v, value)) {
                throw new IllegalStateException(store + " lost the value of key " + i);
            }
        }
        nextKey = 1L << 40; // memogen's puts: keys never used before
        missesBeforeGets = misses();
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) throws Exception {
        try {
            if (store == StoreType.MEMOGEN && params.getBenchmark().endsWith(".get") && misses() != missesBeforeGets) {
                throw new IllegalStateException("memogen missed " + (misses() - missesBeforeGets) + " measured gets");
            }
            blobs.close();
        } finally {
            Benchmarks.deleteRecursively(directory);
        }
    }

    private static long misses() {
        return Memogen.statistics("dev.memogen.benchmarks.StoreFunctions#blob(long,int)")
                .map(FunctionStats::misses).orElse(0L);
    }

    @Benchmark
    public byte[] get() {
        int i = next;
        next = (i + 1) % slots;
        return blobs.get(i);
    }

    @Benchmark
    public void put() {
        long k = nextKey++;
        blobs.put(store == StoreType.MEMOGEN ? k : k % slots, value);
    }
}
