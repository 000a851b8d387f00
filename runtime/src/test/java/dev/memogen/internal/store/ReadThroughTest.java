package dev.memogen.internal.store;

import static dev.memogen.internal.StoreTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.MemoFunction;
import dev.memogen.internal.MemoRuntime;
import dev.memogen.internal.StoreTestSupport;
import dev.memogen.internal.TestAccess;
import dev.memogen.internal.core.MemoConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store opened without the lock is read through its files, not mapped, until it has read enough
 * to make mapping pay ({@link SlotTable#readThrough}, {@link Packs#entry(long, int)}): a rerun that
 * reads a few entries maps nothing, one that reads many maps, and a change maps the index first.
 * Every read is checked against the value it must give.
 */
class ReadThroughTest {
    @TempDir Path dir;

    private static final MemoFunction<String> TEXT = MemoFunction.create("r.F#text(int)", "v1", StoreTestSupport.STRING, false);

    private final AtomicInteger runs = new AtomicInteger();

    private static String text(int x) {
        StringBuilder b = new StringBuilder("r").append(x).append(':');
        while (b.length() < 200 + (x * 131) % 1800) {
            b.append((char) ('a' + (x + b.length()) % 26));
        }
        return b.toString();
    }

    /** Calls text(x) for x in [from, to) and checks each value. */
    private void callAll(int from, int to) {
        for (int x = from; x < to; x++) {
            assertEquals(text(x), call(TEXT, x, k -> {
                runs.incrementAndGet();
                return text(k);
            }));
        }
    }

    /** A fresh runtime on the store: nothing in memory, the store opened again. */
    private static FileStore fresh(Path store) {
        MemoRuntime.install(MemoConfig.at(store).withMemoryTierBytes(0));
        return TestAccess.store();
    }

    /** A run that stores text(0) to text(stored - 1), then a fresh runtime on its store: a rerun. */
    private FileStore rerunAfterStoring(Path store, int stored) {
        fresh(store);
        callAll(0, stored);
        assertEquals(stored, runs.get());
        return fresh(store);
    }

    @Test
    void aRerunThatReadsAFewEntriesMapsNeitherTheIndexNorAPack() throws IOException {
        Path store = dir.resolve("store");
        FileStore s = rerunAfterStoring(store, 40);
        callAll(0, 40);
        assertEquals(40, runs.get(), "every value read back from the store");
        assertFalse(s.index().mapped(), "the index is read through its file");
        assertEquals(0, s.packs().mappedCount(), "no pack is mapped");

        long changes = StoreFixtures.changeCounter(store);
        FileStore next = fresh(store); // the runtime before adds its counts under the lock
        assertFalse(s.index().mapped(), "adding counts maps nothing");
        assertEquals(changes, StoreFixtures.changeCounter(store),
                "adding counts changes nothing in the index: other processes' lookups go on meanwhile");
        FunctionCounts.Counted counted = next.counts().get(StoredFunction.idHash("r.F#text(int)"));
        assertEquals(80, counted.hits() + counted.misses(), "40 misses, then 40 hits: " + counted);
        assertEquals(List.of(), PackStoreTest.inconsistencies(MemoRuntime.get(), store));
        callAll(0, 40);
        assertEquals(40, runs.get(), "the index is sound after the counts: every entry still hits");
    }

    @Test
    void aRerunThatReadsManyEntriesMapsThemAtLast() throws IOException {
        Path store = dir.resolve("store");
        FileStore s = rerunAfterStoring(store, 400);
        callAll(0, 400);
        callAll(0, 400);
        assertEquals(400, runs.get(), "every value read back, before and after the mappings were made");
        assertTrue(s.packs().mappedCount() > 0, "packs mapped after " + Packs.READS_BEFORE_MAPPING + " reads");
        assertTrue(s.index().mapped(), "the index mapped after " + SlotTable.READS_BEFORE_MAPPING + " words");
    }

    @Test
    void aChangeMapsTheIndexFirstAndLeavesItSound() throws IOException {
        Path store = dir.resolve("store");
        FileStore s = rerunAfterStoring(store, 20);
        callAll(0, 5);
        assertFalse(s.index().mapped());
        callAll(20, 60); // misses: stored under the lock
        assertTrue(s.index().mapped(), "a slot is written through a mapping");
        assertEquals(60, runs.get());
        fresh(store);
        callAll(0, 60);
        assertEquals(60, runs.get(), "every entry, stored before and after, read back");
        assertEquals(List.of(), PackStoreTest.inconsistencies(MemoRuntime.get(), store));
    }
}
