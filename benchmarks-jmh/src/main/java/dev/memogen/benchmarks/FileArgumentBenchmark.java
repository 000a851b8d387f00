package dev.memogen.benchmarks;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.memogen.FunctionStats;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.SplittableRandom;
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
 * Issue 20: the cost of a {@code Path} argument on a memory hit, for a file of {@link #size} bytes
 * (random bytes, in the OS page cache after the first read), set against reading and hashing the
 * file outright, in the same run:
 *
 * <ul>
 *   <li>{@link #memogenUnchanged}: {@code FileFunctionsMemo.nameLength(file)} on a file untouched
 *       since its digest was taken (its times set 1 h back first, so it is not racily clean).
 *       Expected: one {@code stat} (FileDigests compares device, inode, size, mtime and ctime with
 *       what it kept) and a memory hit; no read.</li>
 *   <li>{@link #memogenAfterTouch}: each call first sets the file's mtime to one of two old values
 *       by turns ({@code Files.setLastModifiedTime}; that also moves its ctime), then calls the
 *       memoized method. The stat differs from the kept one, so FileDigests reads and hashes the
 *       whole file again; the bytes are the same, so the key is too and the call is still a memory
 *       hit. This is the cost of a changed file without rewriting it: one read + XXH3-128 of the
 *       file, plus the {@code utimensat} ({@link #touchOnly} measures that alone).</li>
 *   <li>{@link #readAllBytesXxh3}: the baseline, {@code Files.readAllBytes(file)} and hash4j's
 *       XXH3-128 of the bytes (needs a 1 GiB array for the largest size: {@code -Xmx3g}).</li>
 *   <li>{@link #statOnly}: {@code Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime")},
 *       the stat FileDigests makes, as the yardstick for "a stat, not a read".</li>
 *   <li>{@link #touchOnly}: the {@code setLastModifiedTime} of {@link #memogenAfterTouch} alone.</li>
 * </ul>
 *
 * <pre>
 * java -jar benchmarks-jmh/target/memogen-benchmarks.jar FileArgument -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx3g")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class FileArgumentBenchmark {
    /** The file's size: 1 KiB, 100 MiB, 1 GiB. */
    @Param({"1024", "104857600", "1073741824"})
    public long size;

    private static final Hasher128 XXH3 = Hashing.xxh3_128();

    Path directory;
    Path file;
    FileTime[] times;
    int turn;
    long missesBefore;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("memogen-filearg-");
        file = directory.resolve("data.bin");
        SplittableRandom random = new SplittableRandom(20261203L);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
        }
        long now = System.currentTimeMillis();
        times = new FileTime[] {FileTime.fromMillis(now - 3_600_000), FileTime.fromMillis(now - 7_200_000)};
        Files.setLastModifiedTime(file, times[0]); // older than FileDigests.RACY_MILLIS: its digest is kept
        Memogen.configure(MemogenSettings.at(directory.resolve("store")));
        int expected = FileFunctions.nameLength(file);
        for (int pass = 0; pass < 2; pass++) { // the first computes and stores, the second is a hit
            if (FileFunctionsMemo.nameLength(file) != expected) {
                throw new IllegalStateException("memogen returned a wrong value");
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
            Memogen.configure(MemogenSettings.at(directory.resolve("store")));
            Benchmarks.deleteRecursively(directory);
        }
    }

    private static long misses() {
        return Memogen.statistics(FileFunctions.NAME_LENGTH_ID).map(FunctionStats::misses).orElse(0L);
    }

    @Benchmark
    public int memogenUnchanged() {
        return FileFunctionsMemo.nameLength(file);
    }

    @Benchmark
    public int memogenAfterTouch() throws IOException {
        turn ^= 1;
        Files.setLastModifiedTime(file, times[turn]);
        return FileFunctionsMemo.nameLength(file);
    }

    @Benchmark
    public long readAllBytesXxh3() throws IOException {
        HashValue128 h = XXH3.hashBytesTo128Bits(Files.readAllBytes(file));
        return h.getMostSignificantBits() ^ h.getLeastSignificantBits();
    }

    @Benchmark
    public Map<String, Object> statOnly() throws IOException {
        return Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime");
    }

    @Benchmark
    public int touchOnly() throws IOException {
        turn ^= 1;
        Files.setLastModifiedTime(file, times[turn]);
        return turn;
    }
}
