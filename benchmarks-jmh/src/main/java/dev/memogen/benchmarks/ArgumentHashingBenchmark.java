package dev.memogen.benchmarks;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.memogen.internal.KeyHasher;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.openhft.hashing.Access;
import net.openhft.hashing.LongTupleHashFunction;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Group 2 of the published benchmarks: hashing one large argument. memogen's argument hashing,
 * exactly as generated code calls it ({@code KeyHasher.acquire()}, {@code put...}, {@code finish()}),
 * against raw XXH3-128 over the same bytes (Zero-Allocation-Hashing and hash4j), the JDK's
 * 31-polynomial hash, Java serialization into SHA-256, and {@code System.arraycopy} of the same
 * bytes as the memory-bandwidth yardstick.
 *
 * <p>{@link #size} is the size of the argument's content: {@code size / 8} doubles or longs,
 * {@code size} bytes, or a {@code String} of {@code size / 2} ASCII characters (its UTF-16 form,
 * which memogen and both XXH3 libraries hash, is {@code size} long). Throughput in GB/s is
 * {@code size / (ns/op)}; the report does that division.
 *
 * <pre>
 * java -jar benchmarks-jmh/target/memogen-benchmarks.jar ArgumentHashing -p type=DOUBLE_ARRAY
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ArgumentHashingBenchmark {

    public enum ArgumentType { DOUBLE_ARRAY, LONG_ARRAY, BYTE_ARRAY, STRING }

    /** One adapter per competitor; each hashes (or copies) the argument and returns something derived from it. */
    public enum Method {
        /** memogen's hashing as a generated wrapper of {@code f(double[] x)} etc. runs it. */
        MEMOGEN {
            @Override
            long doubles(ArgumentHashingBenchmark b) {
                KeyHasher h = KeyHasher.acquire();
                h.putDoubleArray(b.doubles);
                h.finish();
                return h.high() ^ h.low();
            }

            @Override
            long longs(ArgumentHashingBenchmark b) {
                KeyHasher h = KeyHasher.acquire();
                h.putLongArray(b.longs);
                h.finish();
                return h.high() ^ h.low();
            }

            @Override
            long bytes(ArgumentHashingBenchmark b) {
                KeyHasher h = KeyHasher.acquire();
                h.putByteArray(b.bytes);
                h.finish();
                return h.high() ^ h.low();
            }

            @Override
            long string(ArgumentHashingBenchmark b) {
                KeyHasher h = KeyHasher.acquire();
                h.putString(b.string);
                h.finish();
                return h.high() ^ h.low();
            }
        },
        /** Zero-Allocation-Hashing {@code LongTupleHashFunction.xx128()}, result into a reused array. */
        ZAH_XXH3 {
            @Override
            long doubles(ArgumentHashingBenchmark b) {
                // ZAH has no hashDoubles: the array's memory through its Unsafe access, as hashLongs does.
                ZAH.hash(b.doubles, Access.unsafe(), DOUBLE_BASE, 8L * b.doubles.length, b.result);
                return b.result[0] ^ b.result[1];
            }

            @Override
            long longs(ArgumentHashingBenchmark b) {
                ZAH.hashLongs(b.longs, b.result);
                return b.result[0] ^ b.result[1];
            }

            @Override
            long bytes(ArgumentHashingBenchmark b) {
                ZAH.hashBytes(b.bytes, b.result);
                return b.result[0] ^ b.result[1];
            }

            @Override
            long string(ArgumentHashingBenchmark b) {
                ZAH.hashChars(b.string, b.result);
                return b.result[0] ^ b.result[1];
            }
        },
        /** hash4j {@code Hashing.xxh3_128()}: the one-shot methods where it has them, else a reused stream. */
        HASH4J_XXH3 {
            @Override
            long doubles(ArgumentHashingBenchmark b) {
                return b.stream.reset().putDoubles(b.doubles).get().getLeastSignificantBits();
            }

            @Override
            long longs(ArgumentHashingBenchmark b) {
                return b.stream.reset().putLongs(b.longs).get().getLeastSignificantBits();
            }

            @Override
            long bytes(ArgumentHashingBenchmark b) {
                return HASH4J.hashBytesTo128Bits(b.bytes).getLeastSignificantBits();
            }

            @Override
            long string(ArgumentHashingBenchmark b) {
                return HASH4J.hashCharsTo128Bits(b.string).getLeastSignificantBits();
            }
        },
        /** {@code Arrays.hashCode} (32 bits, not a key); for a String the same loop as String.hashCode, uncached. */
        ARRAYS_HASHCODE {
            @Override
            long doubles(ArgumentHashingBenchmark b) {
                return Arrays.hashCode(b.doubles);
            }

            @Override
            long longs(ArgumentHashingBenchmark b) {
                return Arrays.hashCode(b.longs);
            }

            @Override
            long bytes(ArgumentHashingBenchmark b) {
                return Arrays.hashCode(b.bytes);
            }

            @Override
            long string(ArgumentHashingBenchmark b) {
                String s = b.string;
                int h = 0;
                for (int i = 0, n = s.length(); i < n; i++) {
                    h = 31 * h + s.charAt(i);
                }
                return h;
            }
        },
        /** What a naive persistent memo does: ObjectOutputStream into a SHA-256 digest. */
        SERIALIZATION_SHA256 {
            @Override
            long doubles(ArgumentHashingBenchmark b) {
                return serialize(b.doubles);
            }

            @Override
            long longs(ArgumentHashingBenchmark b) {
                return serialize(b.longs);
            }

            @Override
            long bytes(ArgumentHashingBenchmark b) {
                return serialize(b.bytes);
            }

            @Override
            long string(ArgumentHashingBenchmark b) {
                return serialize(b.string);
            }
        },
        /** {@code System.arraycopy} into a preallocated array (for a String, {@code getChars}): memory bandwidth. */
        ARRAYCOPY {
            @Override
            long doubles(ArgumentHashingBenchmark b) {
                System.arraycopy(b.doubles, 0, b.doublesCopy, 0, b.doubles.length);
                return b.doublesCopy.length;
            }

            @Override
            long longs(ArgumentHashingBenchmark b) {
                System.arraycopy(b.longs, 0, b.longsCopy, 0, b.longs.length);
                return b.longsCopy.length;
            }

            @Override
            long bytes(ArgumentHashingBenchmark b) {
                System.arraycopy(b.bytes, 0, b.bytesCopy, 0, b.bytes.length);
                return b.bytesCopy.length;
            }

            @Override
            long string(ArgumentHashingBenchmark b) {
                b.string.getChars(0, b.string.length(), b.charsCopy, 0);
                return b.charsCopy.length;
            }
        };

        abstract long doubles(ArgumentHashingBenchmark b);

        abstract long longs(ArgumentHashingBenchmark b);

        abstract long bytes(ArgumentHashingBenchmark b);

        abstract long string(ArgumentHashingBenchmark b);
    }

    static final LongTupleHashFunction ZAH = LongTupleHashFunction.xx128();
    static final Hasher128 HASH4J = Hashing.xxh3_128();
    @SuppressWarnings("removal")
    static final long DOUBLE_BASE = sun.misc.Unsafe.ARRAY_DOUBLE_BASE_OFFSET;

    @Param
    public ArgumentType type;

    @Param({"1024", "65536", "1048576", "67108864"})
    public int size;

    @Param
    public Method method;

    double[] doubles;
    long[] longs;
    byte[] bytes;
    String string;
    double[] doublesCopy;
    long[] longsCopy;
    byte[] bytesCopy;
    char[] charsCopy;
    final long[] result = new long[2];
    HashStream128 stream;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(size);
        stream = HASH4J.hashStream();
        switch (type) {
            case DOUBLE_ARRAY -> {
                doubles = random.doubles(size / 8).toArray();
                doublesCopy = new double[doubles.length];
            }
            case LONG_ARRAY -> {
                longs = random.longs(size / 8).toArray();
                longsCopy = new long[longs.length];
            }
            case BYTE_ARRAY -> {
                bytes = new byte[size];
                random.nextBytes(bytes);
                bytesCopy = new byte[size];
            }
            case STRING -> {
                byte[] ascii = new byte[size / 2];
                for (int i = 0; i < ascii.length; i++) {
                    ascii[i] = (byte) ('a' + random.nextInt(26));
                }
                string = new String(ascii, StandardCharsets.US_ASCII);
                charsCopy = new char[string.length()];
            }
        }
    }

    @Benchmark
    public long hash() {
        return switch (type) {
            case DOUBLE_ARRAY -> method.doubles(this);
            case LONG_ARRAY -> method.longs(this);
            case BYTE_ARRAY -> method.bytes(this);
            case STRING -> method.string(this);
        };
    }

    static long serialize(Object value) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            try (ObjectOutputStream out = new ObjectOutputStream(
                    new DigestOutputStream(OutputStream.nullOutputStream(), sha256))) {
                out.writeObject(value);
            }
            byte[] digest = sha256.digest();
            return ((long) digest[0] << 56) ^ digest[31];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
