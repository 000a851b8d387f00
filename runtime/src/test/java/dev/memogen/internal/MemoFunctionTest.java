package dev.memogen.internal;

import static dev.memogen.internal.StoreTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.core.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The call protocol of generated code against the real store, in one JVM.
 * On the object-file layout ({@code packMax} 0), whose files these tests look at and damage;
 * the pack layout has its own tests ({@code Pack*Test}).
 */
class MemoFunctionTest {
    @TempDir Path dir;

    private final AtomicInteger runs = new AtomicInteger();
    private static final MemoFunction<String> TEXT = MemoFunction.create("t.F#text(int)", "v1", StoreTestSupport.STRING, false);
    private static final MemoFunction<String> TEXT_V2 = MemoFunction.create("t.F#text(int)", "v2", StoreTestSupport.STRING, false);
    private static final MemoFunction<String> OTHER = MemoFunction.create("t.F#other(int)", "v1", StoreTestSupport.STRING, false);
    private static final MemoFunction<double[]> ARRAY = MemoFunction.create("t.F#array(int)", "v1", StoreTestSupport.DOUBLES, true);
    private static final MemoFunction<double[]> LARGE = MemoFunction.create("t.F#large(int)", "v1", StoreTestSupport.DOUBLES, true);
    private final List<Path> immutable = new ArrayList<>();

    private String text(int x) {
        runs.incrementAndGet();
        return "value-" + x;
    }

    private void fresh() {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
    }

    @AfterEach
    void unlock() throws Exception {
        for (Path p : immutable) {
            new ProcessBuilder("chattr", "-i", p.toString()).start().waitFor();
        }
    }

    private List<Path> entryFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("objects"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void computesOnceThenServesFromMemoryThenFromTheStore() {
        fresh();
        assertEquals("value-1", call(TEXT, 1, this::text));
        assertEquals("value-1", call(TEXT, 1, this::text));
        assertEquals(1, runs.get());
        assertEquals(1, TEXT.statistics().memoryHits());
        fresh(); // a new runtime: memory is empty, the store is not
        assertEquals("value-1", call(TEXT, 1, this::text));
        assertEquals(1, runs.get());
        assertEquals(1, TEXT.statistics().storeHits());
        assertEquals("value-2", call(TEXT, 2, this::text));
        assertEquals(2, runs.get());
    }

    /**
     * A memory hit is logged at TRACE (java.util.logging's FINER), as loads and stores are at
     * DEBUG; a level set while the program runs is seen from the next miss on.
     */
    @Test
    void memoryHitsAreLoggedAtTrace() {
        fresh();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.memogen");
        java.util.logging.Level before = log.getLevel();
        List<String> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        handler.setLevel(java.util.logging.Level.ALL);
        log.addHandler(handler);
        try {
            call(TEXT, 41, this::text); // a miss, with TRACE still off
            assertTrue(records.stream().noneMatch(r -> r.contains("in memory")), records.toString());
            log.setLevel(java.util.logging.Level.FINER);
            call(TEXT, 42, this::text); // a miss: the level is looked at again
            call(TEXT, 42, this::text); // a memory hit
            assertTrue(records.contains("FINER memogen: hit t.F#text(int) in memory"), records.toString());
        } finally {
            log.removeHandler(handler);
            log.setLevel(before);
            Problems.refreshTrace(null);
        }
    }

    @Test
    void everyDamagedByteIsAMissAndTheEntryIsRepaired() throws IOException {
        fresh();
        call(TEXT, 7, this::text);
        Path file = entryFiles().get(0);
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x5a;
            Files.write(file, bad);
            MemoRuntime.get().clearMemoryTier();
            int before = runs.get();
            assertEquals("value-7", call(TEXT, 7, this::text), "byte " + i);
            assertEquals(before + 1, runs.get(), "byte " + i + " flipped must be a miss");
            assertEquals(good.length, Files.readAllBytes(file).length, "rewritten whole");
        }
        MemoRuntime.get().clearMemoryTier();
        int before = runs.get();
        assertEquals("value-7", call(TEXT, 7, this::text));
        assertEquals(before, runs.get(), "the recomputed entry is a hit again");
    }

    @Test
    void truncatedAndEmptyFilesAreMisses() throws IOException {
        fresh();
        call(TEXT, 3, this::text);
        Path file = entryFiles().get(0);
        byte[] good = Files.readAllBytes(file);
        for (int len : new int[] {0, 1, 15, 16, good.length / 2, good.length - 1}) {
            Files.write(file, java.util.Arrays.copyOf(good, len));
            MemoRuntime.get().clearMemoryTier();
            int before = runs.get();
            assertEquals("value-3", call(TEXT, 3, this::text));
            assertEquals(before + 1, runs.get(), "truncated to " + len);
        }
    }

    @Test
    void anEntryMovedToAnotherKeysPathIsNeverReturned() throws IOException {
        fresh();
        call(TEXT, 1, this::text);
        call(TEXT, 2, this::text);
        List<Path> files = entryFiles();
        Files.copy(files.get(0), files.get(1), StandardCopyOption.REPLACE_EXISTING);
        fresh();
        assertEquals("value-1", call(TEXT, 1, this::text));
        assertEquals("value-2", call(TEXT, 2, this::text));
        assertEquals(3, runs.get()); // one of the two was damaged, so recomputed
    }

    @Test
    void aNewFunctionVersionOrSystemStateMakesEntriesStaleAndReplacesThem() throws IOException {
        fresh();
        call(TEXT, 1, this::text);
        fresh();
        call(TEXT_V2, 1, this::text); // the method's code changed
        assertEquals(2, runs.get());
        assertEquals(1, TEXT_V2.statistics().invalidations());
        assertEquals(1, entryFiles().size(), "the stale entry was replaced, not kept beside the new one");
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withExtraSystemState("gpu-driver-2"));
        call(TEXT_V2, 1, this::text);
        assertEquals(3, runs.get());
        assertEquals(1, entryFiles().size());
    }

    @Test
    void functionsWithTheSameArgumentsDoNotShareEntries() {
        fresh();
        call(TEXT, 1, this::text);
        assertEquals("other-1", call(OTHER, 1, x -> "other-" + x));
    }

    @Test
    void mutatingAReturnedArrayDoesNotChangeLaterHits() {
        fresh();
        double[] first = call(ARRAY, 4, x -> new double[] {x, x + 1});
        first[0] = 99;
        double[] fromMemory = call(ARRAY, 4, x -> new double[] {-1});
        assertArrayEquals(new double[] {4, 5}, fromMemory);
        fromMemory[1] = 99;
        fresh();
        double[] fromStore = call(ARRAY, 4, x -> new double[] {-1});
        assertArrayEquals(new double[] {4, 5}, fromStore);
        fromStore[0] = 99;
        assertArrayEquals(new double[] {4, 5}, call(ARRAY, 4, x -> new double[] {-1}));
    }

    /**
     * A mutable value larger than an eighth of the memory tier, and no larger than the tier, read
     * from the store: decoded as it is read the first time (a rerun that reads it once copies no
     * file), kept in memory from the function's second read on; one larger than the tier never.
     * Every call gets an array of its own.
     */
    @Test
    void aLargeValueReadFromTheStoreIsKeptInMemoryFromItsSecondReadOn() {
        MemoConfig config = MemoConfig.at(dir).withPackMax(0).withMemoryTierBytes(4 << 20);
        MemoRuntime.install(config);
        double[] large = new double[200_000]; // 1.6 MB: more than an eighth of 4 MiB
        double[] tooLarge = new double[600_000]; // 4.8 MB: more than the tier
        for (int i = 0; i < tooLarge.length; i++) {
            tooLarge[i] = i * 0.5;
        }
        System.arraycopy(tooLarge, 0, large, 0, large.length);
        call(LARGE, 1, x -> large.clone());
        call(LARGE, 2, x -> tooLarge.clone());
        MemoRuntime.install(config); // the next run: memory empty
        for (int call = 1; call <= 4; call++) {
            double[] got = call(LARGE, 1, x -> new double[] {-1});
            assertArrayEquals(large, got);
            got[0] = 99; // the caller's own copy
            assertArrayEquals(tooLarge, call(LARGE, 2, x -> new double[] {-1}));
        }
        MemoFunction.Counts counts = LARGE.statistics();
        assertEquals(2 + 4, counts.storeHits(), "key 1 read twice, then kept; key 2 read at every call");
        assertEquals(2, counts.memoryHits(), "key 1 from memory at the third and fourth calls");
    }

    @Test
    void nullResultsAreRemembered() {
        fresh();
        assertNull(call(TEXT, 5, x -> {
            runs.incrementAndGet();
            return null;
        }));
        fresh();
        assertNull(call(TEXT, 5, x -> {
            runs.incrementAndGet();
            return "not null";
        }));
        assertEquals(1, runs.get());
    }

    @Test
    void aThrowingCallStoresNothingAndTheExceptionReachesTheCaller() {
        fresh();
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException seen = assertThrows(IllegalStateException.class, () -> call(TEXT, 9, x -> {
            throw boom;
        }));
        assertSame(boom, seen);
        assertEquals("value-9", call(TEXT, 9, this::text));
        assertEquals(1, runs.get());
    }

    @Test
    void concurrentCallsWithTheSameKeyComputeOnce() throws Exception {
        fresh();
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return call(TEXT, 42, x -> {
                        runs.incrementAndGet();
                        sleep(300);
                        return "slow-" + x;
                    });
                }));
            }
            start.countDown();
            for (Future<String> f : results) {
                assertEquals("slow-42", f.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, runs.get());
    }

    @Test
    void recursionOnTheSameKeyDoesNotDeadlock() {
        fresh();
        AtomicInteger depth = new AtomicInteger();
        String value = call(TEXT, 1, new java.util.function.IntFunction<>() {
            @Override
            public String apply(int x) {
                return depth.incrementAndGet() < 3 ? call(TEXT, 1, this) : "bottom";
            }
        });
        assertEquals("bottom", value);
        assertEquals(3, depth.get());
    }

    @Test
    void disabledCallsStraightThrough() {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withDisabled(true));
        call(TEXT, 1, this::text);
        call(TEXT, 1, this::text);
        assertEquals(2, runs.get());
        assertTrue(Files.notExists(dir.resolve("objects")));
    }

    @Test
    void aStoreThatCannotBeCreatedStillGivesCorrectResults() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        MemoRuntime.install(MemoConfig.at(file.resolve(".memogen")).withPackMax(0));
        assertEquals("value-1", call(TEXT, 1, this::text));
        assertEquals("value-1", call(TEXT, 1, this::text));
        assertEquals(1, runs.get(), "still memoized in memory");
    }

    @Test
    void aReadOnlyStoreStillGivesCorrectResults() throws Exception {
        fresh();
        call(TEXT, 1, this::text);
        makeReadOnly(dir.resolve("objects"));
        try (Stream<Path> walk = Files.walk(dir.resolve("objects"))) {
            for (Path p : walk.filter(Files::isDirectory).toList()) {
                makeReadOnly(p);
            }
        }
        fresh();
        assertEquals("value-1", call(TEXT, 1, this::text), "existing entries are still read");
        assertEquals(1, runs.get());
        assertEquals("value-2", call(TEXT, 2, this::text), "a failed write still returns the value");
        assertEquals("value-2", call(TEXT, 2, this::text));
        assertEquals(2, runs.get());
        assertEquals(1, entryFiles().size(), "nothing could be written");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"192k", "1m"}) // full at once; full on the way
    void aFullDiskStillGivesCorrectResults(String size) throws Exception {
        Path small = dir.resolve("small-disk");
        Files.createDirectories(small);
        int rc = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", small.toString())
                .redirectErrorStream(true).start().waitFor();
        Assumptions.assumeTrue(rc == 0, "cannot mount a small file system here (needs root)");
        try {
            MemoRuntime.install(MemoConfig.at(small.resolve("store"))); // packs cannot be created: files
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 20; i++) {
                    int n = 1000 * (i + 1); // 8 KB .. 160 KB, 1.7 MB in all: the disk fills up on the way
                    double[] value = call(ARRAY, n, x -> {
                        runs.incrementAndGet();
                        double[] d = new double[x];
                        java.util.Arrays.fill(d, x);
                        return d;
                    });
                    assertEquals(n, value.length);
                    assertEquals(n, value[n - 1]);
                }
            }
            assertEquals(20, runs.get(), "kept in memory when the disk is full");
        } finally {
            MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
            // Lazily: the index stays mapped until the collector frees its buffer.
            new ProcessBuilder("umount", "-l", small.toString()).start().waitFor();
        }
    }

    private void makeReadOnly(Path p) throws Exception {
        p.toFile().setWritable(false, false);
        if (Files.isWritable(p) || canCreateIn(p)) {
            // Root ignores permission bits; the immutable attribute binds root too.
            int rc = new ProcessBuilder("chattr", "+i", p.toString()).start().waitFor();
            Assumptions.assumeTrue(rc == 0, "cannot make a directory read-only here");
            immutable.add(p);
        }
    }

    private static boolean canCreateIn(Path p) {
        try {
            Files.delete(Files.createTempFile(p, "probe", ""));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
