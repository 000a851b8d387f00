package dev.memogen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.StoreCleanup;
import dev.memogen.StoreStatistics;
import dev.memogen.StoreVerification;
import dev.memogen.StoredEntry;
import dev.memogen.internal.MemoFunction;
import dev.memogen.internal.StoreTestSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store methods of {@link Memogen} on the store in use, in the program's own JVM. */
class StoreApiTest {
    private static final int KEYS = 12;

    @TempDir
    Path dir;

    @Test
    void theStoreInUseCanBeInspectedVerifiedAndClearedInProcess() throws Exception {
        StoreMaker.make(MemogenSettings.at(dir).withMaxSize(64L << 20), KEYS);

        StoreStatistics stats = Memogen.storeStatistics();
        assertEquals(3L * KEYS, stats.entries());
        assertEquals(64L << 20, stats.maxSize()); // this JVM's bound
        assertEquals(dir.toAbsolutePath().normalize(), stats.directory());
        List<StoredEntry> sums = Memogen.storedEntries(StoreMaker.SUM_ID);
        assertEquals(KEYS, sums.size());
        assertTrue(sums.stream().allMatch(e -> e.packed() && StoreMaker.SUM_ID.equals(e.functionId())));
        assertTrue(Memogen.verifyStore().ok());

        assertEquals(KEYS, Memogen.clear(StoreMaker.SUM_ID));
        assertEquals(List.of(), Memogen.storedEntries(StoreMaker.SUM_ID));
        // The values held in memory went too: every call computes again, and is right.
        AtomicInteger runs = new AtomicInteger();
        for (int k = 0; k < KEYS; k++) {
            long value = StoreTestSupport.call(StoreMaker.SUM, k, key -> {
                runs.incrementAndGet();
                return StoreMaker.sum(key);
            });
            assertEquals(StoreMaker.sum(k), value);
        }
        assertEquals(KEYS, runs.get());
        assertEquals(KEYS, Memogen.storedEntries(StoreMaker.SUM_ID).size()); // stored again
        assertEquals(0L, Memogen.gc().deadPackBytesAfter());
        assertEquals(3L * KEYS, Memogen.verifyStore().checked());
    }

    @Test
    void gcCompactsEveryPackAndKeepsEveryLiveEntryReadable() throws Exception {
        // A 2 MiB bound: packs of 64 KiB, so the entries below fill several.
        Memogen.configure(MemogenSettings.at(dir).withMaxSize(2L << 20));
        MemoFunction<String> a = MemoFunction.create("gc.A#a(int)", "v1", StoreTestSupport.STRING, false);
        MemoFunction<Long> b = MemoFunction.create("gc.B#b(int)", "v1", StoreTestSupport.LONG, false);
        int keys = 350; // a 2 MiB store holds at most 768 entries (three quarters of its 1024 slots)
        for (int k = 0; k < keys; k++) {
            StoreTestSupport.call(a, k, StoreMaker::text);
            StoreTestSupport.call(b, k, key -> (long) key * 7);
        }
        List<Path> packsBefore = packs();
        assertTrue(packsBefore.size() >= 3, packsBefore::toString);
        assertEquals(2L * keys, Memogen.storeStatistics().entries()); // nothing evicted

        assertEquals(keys, Memogen.clear("gc.A#a(int)"));
        StoreCleanup c = Memogen.gc();
        // every cleared entry's record: 116 bytes of header, checksum and prefix, and a text of 60 chars or more
        assertTrue(c.deadPackBytesBefore() > keys * 170L, c::toString);
        assertEquals(0L, c.deadPackBytesAfter(), c::toString);
        List<Path> packsAfter = packs();
        assertTrue(packsAfter.stream().noneMatch(packsBefore::contains), packsAfter::toString); // every one compacted
        StoreVerification v = Memogen.verifyStore();
        assertTrue(v.ok(), v::toString);
        assertEquals(keys, v.checked());

        // Every b entry moved and is read from the store: no computation, every value right.
        Memogen.clearMemory();
        AtomicInteger runs = new AtomicInteger();
        for (int k = 0; k < keys; k++) {
            long value = StoreTestSupport.call(b, k, key -> {
                runs.incrementAndGet();
                return (long) key * 7;
            });
            assertEquals(k * 7L, value);
        }
        assertEquals(0, runs.get());
    }

    private List<Path> packs() throws java.io.IOException {
        try (java.util.stream.Stream<Path> packs = java.nio.file.Files.list(dir.resolve("packs"))) {
            return packs.sorted().toList();
        }
    }
}
