package dev.memogen.internal;

import static dev.memogen.internal.StoreTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.codec.Codec;
import dev.memogen.internal.codec.CorruptValueException;
import dev.memogen.internal.codec.ValueReader;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.store.FileStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries larger than {@link FileStore#STREAM_ABOVE}, which a store hit decodes while it reads
 * them (checksum verified after decoding), and the piecewise {@link ValueReader} under them.
 */
class LargeValueStoreTest {
    @TempDir Path dir;

    private static final MemoFunction<double[]> BIG = MemoFunction.create("t.L#big(int)", "v1", StoreTestSupport.DOUBLES, true);
    private static final MemoFunction<String> LONG_TEXT = MemoFunction.create("t.L#text(int)", "v1", StoreTestSupport.STRING, false);
    /** Reads the doubles as longs: the same bytes, a different shape; used to check decode failures. */
    private static final MemoFunction<double[]> BIG_AS_TEXT = MemoFunction.create("t.L#big(int)", "v1", new Codec<>() {
        @Override
        public void encode(ValueWriter out, double[] value) {
            out.writeDoubleArray(value);
        }

        @Override
        public double[] decode(ValueReader in) {
            in.readString();
            return new double[0];
        }
    }, true);

    private final AtomicInteger runs = new AtomicInteger();

    private double[] big(int x) {
        runs.incrementAndGet();
        double[] a = new double[400_000 + x]; // 3.2 MB: read in pieces
        for (int i = 0; i < a.length; i++) {
            a[i] = x * 1e6 + i * 0.25;
        }
        return a;
    }

    private void fresh(long memoryTierBytes) {
        MemoRuntime.install(MemoConfig.at(dir).withMemoryTierBytes(memoryTierBytes));
    }

    private List<Path> entryFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("objects"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aLargeValueRoundTripsWithAndWithoutTheMemoryTier() {
        for (long tier : new long[] {0, 64L << 20}) {
            fresh(tier);
            double[] first = call(BIG, (int) (tier >>> 20), this::big);
            fresh(tier);
            BIG.resetStatistics();
            double[] loaded = call(BIG, (int) (tier >>> 20), x -> new double[] {-1});
            assertArrayEquals(first, loaded);
            assertEquals(1, BIG.statistics().storeHits(), "a store hit, memory tier " + tier);
            loaded[0] = 42; // the caller owns it
            assertArrayEquals(first, call(BIG, (int) (tier >>> 20), x -> new double[] {-1}));
        }
        assertEquals(2, runs.get());
    }

    @Test
    void threadsWaitingForAValueTooLargeForTheMemoryTierReadItFromTheStore() throws Exception {
        fresh(0); // nothing is kept in memory: the result goes to the store from the array itself
        BIG.resetStatistics();
        int threads = 4;
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<double[]>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> call(BIG, 11, x -> {
                    started.countDown();
                    try {
                        Thread.sleep(300); // the other threads find this flight running and wait
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return big(x);
                })));
            }
            double[] expected = null;
            List<double[]> seen = new java.util.ArrayList<>();
            for (var f : results) {
                double[] v = f.get();
                if (expected == null) {
                    expected = v.clone();
                }
                assertArrayEquals(expected, v);
                for (double[] other : seen) {
                    assertTrue(other != v, "every caller gets its own array");
                }
                seen.add(v);
            }
            assertEquals(1, runs.get(), "computed once; the waiting threads read the store");
            assertEquals(1, BIG.statistics().misses());
            assertTrue(BIG.statistics().storeHits() >= 1, "a waiting thread read the store");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLongStringIsReadAcrossPieces() {
        fresh(0);
        String text = "ab\u00e9\uD83D\uDE00".repeat(200_000); // 1.6 MB of chars
        call(LONG_TEXT, 1, x -> text);
        fresh(0);
        assertEquals(text, call(LONG_TEXT, 1, x -> "wrong"));
    }

    @Test
    void aDamagedByteAnywhereInALargeEntryIsAMissAndTheEntryIsRepaired() throws IOException {
        fresh(0);
        double[] good = call(BIG, 7, this::big);
        Path file = entryFiles().get(0);
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > FileStore.STREAM_ABOVE);
        Random random = new Random(42);
        int[] positions = {0, 9, 40, 200, 300, bytes.length / 3, FileStore.STREAM_ABOVE, bytes.length - 17,
            bytes.length - 16, bytes.length - 1, random.nextInt(bytes.length), random.nextInt(bytes.length)};
        for (int at : positions) {
            byte[] bad = bytes.clone();
            bad[at] ^= 0x21;
            Files.write(file, bad);
            fresh(0);
            int before = runs.get();
            assertArrayEquals(good, call(BIG, 7, this::big), "byte " + at);
            assertEquals(before + 1, runs.get(), "byte " + at + " flipped must be a miss");
            assertEquals(bytes.length, Files.readAllBytes(file).length, "rewritten whole");
        }
        fresh(0);
        int before = runs.get();
        assertArrayEquals(good, call(BIG, 7, this::big));
        assertEquals(before, runs.get(), "the recomputed entry is a hit again");
    }

    @Test
    void aTruncatedLargeEntryIsAMiss() throws IOException {
        fresh(0);
        double[] good = call(BIG, 3, this::big);
        Path file = entryFiles().get(0);
        byte[] bytes = Files.readAllBytes(file);
        for (int len : new int[] {FileStore.STREAM_ABOVE + 1, bytes.length / 2, bytes.length - 16, bytes.length - 1}) {
            Files.write(file, Arrays.copyOf(bytes, len));
            fresh(0);
            int before = runs.get();
            assertArrayEquals(good, call(BIG, 3, this::big), "truncated to " + len);
            assertEquals(before + 1, runs.get(), "truncated to " + len);
        }
    }

    @Test
    void aLargeEntryThatDoesNotDecodeIsRecomputed() {
        fresh(0);
        double[] good = call(BIG, 5, this::big);
        fresh(0);
        int before = runs.get();
        assertArrayEquals(good, call(BIG_AS_TEXT, 5, this::big));
        assertEquals(before + 1, runs.get());
    }

    @Test
    void aReaderFedInTinyPiecesDecodesWhatAWholeReaderDoes() {
        ValueWriter out = new ValueWriter();
        out.writeBoolean(true);
        out.writeString("h\u00e9llo \uD83D\uDE00".repeat(50));
        out.writeByteArray(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        out.writeShortArray(new short[] {-1, 2, 3, 4, 5, 6, 7, 8, 9});
        out.writeCharArray("abcdefghijklmnopq".toCharArray());
        out.writeIntArray(new int[] {1, -2, 3, 4, 5, 6, 7, 8, 9, 10});
        out.writeLongArray(new long[] {Long.MIN_VALUE, 0, 1, 2, 3, 4, 5});
        out.writeFloatArray(new float[] {1.5f, 2, 3, 4, 5, 6, 7});
        double[] doubles = new double[1000];
        Arrays.setAll(doubles, i -> i * 0.5);
        out.writeDoubleArray(doubles);
        out.writeLong(-5);
        byte[] all = out.toByteArray();
        Random random = new Random(7);
        for (int bufSize : new int[] {16, 17, 23, 64, 1000}) {
            int[] at = {0};
            ValueReader.Source source = (into, offset, length) -> {
                int n = Math.min(length, 1 + random.nextInt(9));
                System.arraycopy(all, at[0], into, offset, n);
                at[0] += n;
                return n;
            };
            byte[] buf = new byte[bufSize];
            int first = source.read(buf, 0, buf.length);
            ValueReader in = new ValueReader(buf, first, source, all.length - first);
            assertEquals(all.length, in.remaining());
            assertEquals(true, in.readBoolean());
            assertEquals("h\u00e9llo \uD83D\uDE00".repeat(50), in.readString());
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, in.readByteArray());
            assertArrayEquals(new short[] {-1, 2, 3, 4, 5, 6, 7, 8, 9}, in.readShortArray());
            assertArrayEquals("abcdefghijklmnopq".toCharArray(), in.readCharArray());
            assertArrayEquals(new int[] {1, -2, 3, 4, 5, 6, 7, 8, 9, 10}, in.readIntArray());
            assertArrayEquals(new long[] {Long.MIN_VALUE, 0, 1, 2, 3, 4, 5}, in.readLongArray());
            assertArrayEquals(new float[] {1.5f, 2, 3, 4, 5, 6, 7}, in.readFloatArray());
            assertArrayEquals(doubles, in.readDoubleArray());
            assertEquals(-5, in.readLong());
            in.expectEnd();
            assertThrows(CorruptValueException.class, in::readByte);
        }
    }

    @Test
    void aPiecewiseReaderChecksSizesAgainstWhatIsLeftInTheSource() {
        ValueWriter out = new ValueWriter();
        out.writeInt(1000); // claims 1000 bytes follow; 10 do
        out.writeLong(1);
        out.writeShort((short) 2);
        byte[] all = out.toByteArray();
        int[] at = {8};
        ValueReader.Source source = (into, offset, length) -> {
            int n = Math.min(length, all.length - at[0]);
            System.arraycopy(all, at[0], into, offset, n);
            at[0] += n;
            return n;
        };
        ValueReader in = new ValueReader(Arrays.copyOf(all, 16), 8, source, all.length - 8);
        assertThrows(CorruptValueException.class, in::readByteArray);
    }
}
