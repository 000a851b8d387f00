package dev.memogen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.StoreStatistics;
import dev.memogen.StoredEntry;
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
}
