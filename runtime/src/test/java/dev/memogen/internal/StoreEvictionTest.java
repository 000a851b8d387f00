package dev.memogen.internal;

import static dev.memogen.internal.StoreTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.core.MemoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The size bound and the replacement policies.
 * On the object-file layout ({@code packMax} 0), whose files these tests look at and damage;
 * the pack layout has its own tests ({@code Pack*Test}).
 */
public class StoreEvictionTest {
    @TempDir Path dir;

    private static final MemoFunction<String> CHEAP = MemoFunction.create("e.F#cheap(int)", "v1", StoreTestSupport.STRING, false);
    private static final MemoFunction<String> DEAR = MemoFunction.create("e.F#dear(int)", "v1", StoreTestSupport.STRING, false);

    private final AtomicInteger runs = new AtomicInteger();

    public static long objectBytes(Path store) throws IOException {
        try (Stream<Path> files = Files.walk(store.resolve("objects"))) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    public static long objectCount(Path store) throws IOException {
        try (Stream<Path> files = Files.walk(store.resolve("objects"))) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private static String text(int x, int length) {
        return String.valueOf((char) ('a' + x % 26)).repeat(length) + x;
    }

    private String counted(int x, int length) {
        runs.incrementAndGet();
        return text(x, length);
    }

    @Test
    void theStoreNeverExceedsItsBoundByMoreThanOneEntryAfterACall() throws IOException {
        long max = 256 << 10; // 40 KiB of it the index, flights and directories; an object is charged 8 KiB more
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withMaxSize(max).withMemoryTierBytes(0));
        Random random = new Random(1);
        long largest = 0;
        for (int i = 0; i < 400; i++) {
            int x = random.nextInt(600);
            int len = 50 + (x * 7919) % 3000;
            assertEquals(text(x, len), call(CHEAP, x, k -> text(k, len)));
            largest = Math.max(largest, 512 + 2L * len); // header and checksum are less than 512 bytes
            long onDisk = objectBytes(dir);
            assertTrue(onDisk <= max + largest, "after call " + i + ": " + onDisk + " bytes on disk > bound " + max
                    + " + one entry " + largest);
            assertTrue(MemoRuntime.get().storedBytes() <= max, "index total " + MemoRuntime.get().storedBytes());
            assertEquals(onDisk, MemoRuntime.get().storedBytes(), "the index counts every object");
        }
        assertTrue(objectCount(dir) > 10, "the bound left room for many entries");
    }

    /**
     * A few entries that are expensive per byte, then many cheap ones that overflow the bound:
     * GreedyDual-Size keeps the expensive ones, LRU (the control) loses them.
     */
    @Test
    void greedyDualSizeKeepsExpensivePerByteEntriesOverCheapOnes() throws IOException {
        assertEquals(5, expensiveSurvivors("gds"), "GreedyDual-Size kept every expensive entry");
        assertEquals(0, expensiveSurvivors("lru"), "LRU evicted the expensive entries (the test can tell)");
    }

    private int expensiveSurvivors(String policy) throws IOException {
        Path store = dir.resolve(policy);
        MemoRuntime.install(MemoConfig.at(store).withPackMax(0).withMaxSize(160 << 10).withPolicy(policy).withMemoryTierBytes(0));
        for (int i = 0; i < 5; i++) {
            call(DEAR, i, k -> {
                sleep(30); // expensive: 30 ms for about 2 KB
                return text(k, 1000);
            });
        }
        for (int i = 0; i < 300; i++) {
            call(CHEAP, i, k -> text(k, 1000)); // cheap: microseconds for the same size
        }
        int survivors = 0;
        for (int i = 0; i < 5; i++) {
            AtomicInteger ran = new AtomicInteger();
            call(DEAR, i, k -> {
                ran.incrementAndGet();
                return text(k, 1000);
            });
            survivors += ran.get() == 0 ? 1 : 0;
        }
        return survivors;
    }

    @Test
    void lruKeepsTheEntryInUse() throws IOException {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withMaxSize(128 << 10).withPolicy("lru").withMemoryTierBytes(0));
        for (int i = 0; i < 200; i++) {
            call(CHEAP, i, k -> text(k, 500));
            int before = runs.get();
            call(CHEAP, 0, k -> counted(k, 500));
            if (i > 0) {
                assertEquals(before, runs.get(), "entry 0, read after every store, is never evicted (call " + i + ")");
            }
        }
        assertTrue(objectCount(dir) < 100, "entries were evicted");
    }

    @Test
    void loweringTheBoundEvictsAtOnce() throws IOException {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withMemoryTierBytes(0));
        for (int i = 0; i < 50; i++) {
            call(CHEAP, i, k -> text(k, 1000));
        }
        long before = objectBytes(dir);
        MemoRuntime.get().setMaxSize(before / 2);
        assertTrue(objectBytes(dir) <= before / 2, objectBytes(dir) + " > " + before / 2);
        assertEquals(objectBytes(dir), MemoRuntime.get().storedBytes());
    }

    @Test
    void aLostIndexIsRebuiltFromTheObjects() throws IOException {
        long bytes = storeTwentyObjects();
        Files.delete(dir.resolve("index"));
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withMemoryTierBytes(0));
        assertEquals(bytes, MemoRuntime.get().storedBytes());
        assertEquals(20, MemoRuntime.get().storedEntries());
        for (int i = 0; i < 20; i++) {
            call(CHEAP, i, k -> counted(k, 100 + k));
        }
        assertEquals(0, runs.get(), "every entry is still a hit");
    }

    /** A header damaged while no JVM had the store open is rebuilt as the store opens, not at the first change. */
    @Test
    void aDamagedHeaderIsRebuiltWhenTheStoreOpens() throws IOException {
        long bytes = storeTwentyObjects();
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(dir.resolve("index").toFile(), "rw")) {
            f.seek(32); // the byte total; its complement (at 40) no longer matches
            f.write(0x5A);
        }
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withMemoryTierBytes(0));
        assertEquals(bytes, MemoRuntime.get().storedBytes(), "rebuilt at once: the total is right before any change");
        assertEquals(20, MemoRuntime.get().storedEntries());
    }

    /** Stores keys 0 to 19 as object files; returns the index's byte total. */
    private long storeTwentyObjects() {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withMemoryTierBytes(0));
        for (int i = 0; i < 20; i++) {
            call(CHEAP, i, k -> text(k, 100 + k));
        }
        return MemoRuntime.get().storedBytes();
    }

    @Test
    void anIndexedEntryWhoseObjectIsMissingIsAMissAndIsRepaired() throws IOException {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withMemoryTierBytes(0));
        call(CHEAP, 1, k -> text(k, 100));
        call(CHEAP, 2, k -> text(k, 100));
        try (Stream<Path> files = Files.walk(dir.resolve("objects"))) {
            Files.delete(files.filter(Files::isRegularFile).findFirst().orElseThrow());
        }
        assertEquals(2, MemoRuntime.get().storedEntries());
        call(CHEAP, 1, k -> counted(k, 100));
        call(CHEAP, 2, k -> counted(k, 100));
        assertEquals(1, runs.get(), "the entry without object was recomputed");
        assertEquals(2, MemoRuntime.get().storedEntries());
        assertEquals(objectBytes(dir), MemoRuntime.get().storedBytes());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
