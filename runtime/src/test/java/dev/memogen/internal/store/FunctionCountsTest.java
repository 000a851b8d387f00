package dev.memogen.internal.store;

import static dev.memogen.internal.StoreTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.StoreStatistics;
import dev.memogen.internal.Jvms;
import dev.memogen.internal.MemoRuntime;
import dev.memogen.internal.StoreWorker;
import dev.memogen.internal.codec.ValueWriter;
import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.hash.Hex;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code functions/<id hash>.counts} and {@code functions/counts.journal}: the hits and misses of
 * every JVM that used a store, each added once as it ends or its runtime is replaced, under the
 * index lock (appended to the journal, folded into the files); trusted for nothing (a damaged or
 * linked file counts as zero and is replaced, a damaged journal record is passed over, what a link
 * points to untouched); dropped by {@code clear} and, for functions without entries, by {@code gc}. See
 * {@code docs/store-format.md}, "Function counts".
 */
class FunctionCountsTest {
    @TempDir Path dir;

    static final StoredFunction A = new StoredFunction("c.A#f(int)", "v1", Ttl.NONE);
    static final StoredFunction B = new StoredFunction("c.B#g(int)", "v1", Ttl.NONE);

    /** What the store reported, a line each: "warn kind: ..." or "event kind: ...". */
    private final List<String> reported = Collections.synchronizedList(new ArrayList<>());

    private final Reports recording = new RecordingReports(reported);

    private FileStore open(StoreKey key) throws IOException {
        return FunctionNamesTest.open(dir, FunctionNamesTest.STATE, key, recording);
    }

    private FileStore open() throws IOException {
        return open(null);
    }

    private static FunctionCounts.Counted counted(StoredFunction fn, long hits, long misses, long nanos) {
        return new FunctionCounts.Counted(fn.idHash(), hits, misses, nanos);
    }

    private Path countsOf(StoredFunction fn) {
        return dir.resolve("functions").resolve(Hex.of(fn.idHash()) + ".counts");
    }

    private Path journal() {
        return dir.resolve("functions").resolve(FunctionCounts.JOURNAL);
    }

    private static StoreStatistics.Function statsOf(Path store, String id) throws IOException {
        for (StoreStatistics.Function f : Memogen.storeStatistics(MemogenSettings.at(store), null).functions()) {
            if (id.equals(f.functionId())) {
                return f;
            }
        }
        return null;
    }

    private static void put(FileStore store, StoredFunction fn, long k) throws IOException {
        ValueWriter out = new ValueWriter();
        out.writeString("value " + k);
        assertTrue(store.write(fn, k, k, out, 1_000) > 0);
    }

    /**
     * Two JVMs that end at about the same time, each with known hits and misses (10 keys of two
     * functions, computed, then read again from memory), add up; a third reads 10 keys from the
     * store (store hits) and from memory.
     */
    @Test
    void theCountsOfSeparateJvmsAddUp() throws Exception {
        Process first = Jvms.worker(dir, "count", dir.toString(), "0", "10").redirectErrorStream(true).start();
        Process second = Jvms.worker(dir, "count", dir.toString(), "10", "20").redirectErrorStream(true).start();
        String out1 = new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String out2 = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, first.waitFor(), out1);
        assertEquals(0, second.waitFor(), out2);
        assertEquals("wrong=0 runs=20", out1.strip());
        assertEquals("wrong=0 runs=20", out2.strip());
        for (String id : List.of(StoreWorker.TEXT.id(), StoreWorker.ARRAY.id())) {
            StoreStatistics.Function f = statsOf(dir, id);
            assertEquals(20, f.misses(), f::toString);
            assertEquals(20, f.hits(), f::toString);
            assertTrue(f.missNanos() > 0, f::toString);
        }

        assertEquals("wrong=0 runs=0", Jvms.run(dir, "count", dir.toString(), "5", "15").strip());
        StoreStatistics s = Memogen.storeStatistics(MemogenSettings.at(dir), null);
        for (String id : List.of(StoreWorker.TEXT.id(), StoreWorker.ARRAY.id())) {
            StoreStatistics.Function f = statsOf(dir, id);
            assertEquals(20, f.misses(), "no more misses: " + f);
            assertEquals(40, f.hits(), "10 store hits and 10 memory hits more: " + f);
            assertEquals(f.hits() * (f.computeNanos() / f.entries()), f.savedNanos(), f::toString);
        }
        assertEquals(80, s.hits());
        assertEquals(40, s.misses());
    }

    /**
     * A runtime adds its counts when it is replaced, not before; one that never read or wrote its
     * store adds none (and writes nothing); a read-only one adds none.
     */
    @Test
    void aRuntimeAddsItsCountsWhenReplacedAndOnlyIfItUsedAWritableStore(@TempDir Path other) throws IOException {
        Path store = dir.resolve("store");
        MemoRuntime.install(MemoConfig.at(store));
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(StoreWorker.expectedText(k), call(StoreWorker.TEXT, k, StoreWorker::expectedText));
            }
        }
        Path counts = store.resolve("functions").resolve(Hex.of(StoredFunction.idHash(StoreWorker.TEXT.id())) + ".counts");
        assertFalse(Files.exists(counts), "not added while the runtime is in use");
        MemoRuntime.install(MemoConfig.at(other));
        StoreStatistics.Function f = statsOf(store, StoreWorker.TEXT.id());
        assertEquals(3, f.hits(), f::toString);
        assertEquals(3, f.misses(), f::toString);

        MemoRuntime.install(MemoConfig.at(store).withReadOnly(true));
        assertEquals(StoreWorker.expectedText(1), call(StoreWorker.TEXT, 1, StoreWorker::expectedText));
        MemoRuntime.install(MemoConfig.at(other));
        assertEquals(3, statsOf(store, StoreWorker.TEXT.id()).hits(), "a read-only store is not written");
        MemoRuntime.install(MemoConfig.at(other));
        assertFalse(Files.exists(other.resolve("functions")), "a runtime that never used its store adds nothing");
    }

    /**
     * {@code Memogen.resetStatistics()} starts the report's numbers again, but what was counted
     * before it still goes to the store: nothing is lost, nothing counted twice.
     */
    @Test
    void countsBeforeAResetOfTheStatisticsAreRecordedToo(@TempDir Path other) throws IOException {
        Path store = dir.resolve("store");
        MemoRuntime.install(MemoConfig.at(store));
        call(StoreWorker.TEXT, 1, StoreWorker::expectedText); // a miss
        call(StoreWorker.TEXT, 1, StoreWorker::expectedText); // a memory hit
        Memogen.resetStatistics();
        assertEquals(0, StoreWorker.TEXT.statistics().misses());
        call(StoreWorker.TEXT, 1, StoreWorker::expectedText); // a memory hit
        MemoRuntime.install(MemoConfig.at(other));
        StoreStatistics.Function f = statsOf(store, StoreWorker.TEXT.id());
        assertEquals(List.of(2L, 1L), List.of(f.hits(), f.misses()), f::toString);
    }

    /**
     * A JVM that ends while a stopped process keeps the index lock ends anyway, without adding its
     * counts (Linux: {@code kill -STOP}); the next JVM adds its own.
     */
    @Test
    void aJvmEndingWhileAStoppedProcessKeepsTheLockSkipsItsCounts() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/locks")), "needs Linux");
        Process keeper = Jvms.worker(dir, "keep", dir.toString(), String.valueOf(TimeUnit.MINUTES.toMillis(10)))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(keeper.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("stored", out.readLine(), "the keeper stored, and keeps the lock");
            signal(keeper, "STOP");
            Process counter = Jvms.worker(dir, "count", dir.toString(), "0", "3").redirectErrorStream(true).start();
            assertTrue(counter.waitFor(2, TimeUnit.MINUTES), "the JVM ended");
            String said = new String(counter.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, counter.exitValue(), said);
            // (the warning it logs as it ends may be lost: java.util.logging's own shutdown hook
            // closes its handlers meanwhile)
            assertFalse(Files.exists(countsOf(new StoredFunction(StoreWorker.TEXT.id(), "v1", Ttl.NONE))), "nothing added");
        } finally {
            signal(keeper, "CONT");
            keeper.destroyForcibly();
            keeper.waitFor(30, TimeUnit.SECONDS);
        }
        // text(1), the keeper's, is a store hit; array(1) was not stored (the lock was kept): a miss
        assertEquals("wrong=0 runs=1", Jvms.run(dir, "count", dir.toString(), "1", "2").strip());
        StoreStatistics.Function f = statsOf(dir, StoreWorker.TEXT.id());
        assertEquals(2, f.hits(), "the next JVM's own: a store hit and a memory hit; " + f);
        assertEquals(0, f.misses(), f::toString);
    }

    private static void signal(Process p, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start().waitFor();
    }

    @Test
    void countsAddUpAndSaturate() throws IOException {
        FileStore store = open();
        put(store, A, 1);
        store.addCounts(List.of(counted(A, 2, 3, 400)));
        store.addCounts(List.of(counted(A, 1, 1, 100), counted(B, 7, 0, 0)));
        assertEquals(Map.of(A.idHash(), counted(A, 3, 4, 500), B.idHash(), counted(B, 7, 0, 0)), open().counts());
        store.addCounts(List.of(counted(A, Long.MAX_VALUE - 1, -5, Long.MAX_VALUE)));
        assertEquals(counted(A, Long.MAX_VALUE, 4, Long.MAX_VALUE), open().counts().get(A.idHash()),
                "at most Long.MAX_VALUE; a negative count adds nothing");
        assertEquals(List.of(), reported);
    }

    /** A flipped byte, a file cut short, a file too long, a link to a file outside the store: zero, replaced. */
    @Test
    void aDamagedOrLinkedCountsFileCountsAsZeroAndIsReplaced(@TempDir Path outside) throws IOException {
        byte[] outsideBytes = "not memogen's".getBytes(StandardCharsets.UTF_8);
        Path target = Files.write(outside.resolve("target"), outsideBytes);
        for (String damage : List.of("flip", "cut", "long", "link")) {
            FileStore store = open();
            put(store, A, 1);
            store.addCounts(List.of(counted(A, 5, 6, 7)));
            store.foldCounts(); // from the journal into the function's file
            assertFalse(Files.exists(journal()), "folded");
            Path file = countsOf(A);
            switch (damage) {
                case "flip" -> {
                    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                        f.seek(17); // the hits
                        f.write(f.read() ^ 0x40);
                    }
                }
                case "cut" -> {
                    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                        f.setLength(f.length() - 1);
                    }
                }
                case "long" -> Files.write(file, new byte[1 << 20]);
                default -> {
                    Files.delete(file);
                    Files.createSymbolicLink(file, target);
                }
            }
            reported.clear();
            FileStore again = open();
            assertNull(again.counts().get(A.idHash()), damage);
            assertEquals(1, reported.size(), damage + ": " + reported);
            assertTrue(reported.get(0).startsWith("event counts: the function counts file " + file), reported::toString);
            assertEquals(0, statsOf(dir, A.id()).hits(), damage);

            again.addCounts(List.of(counted(A, 1, 2, 3)));
            reported.clear();
            again.foldCounts();
            assertEquals(counted(A, 1, 2, 3), open().counts().get(A.idHash()), damage + ": replaced, from zero");
            assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), damage);
            assertArrayEquals(outsideBytes, Files.readAllBytes(target), "the file outside is untouched");
            Files.delete(file);
        }
    }

    /** With a key, counts carry its tag: counts without one are none (no warning), with another key's are damage. */
    @Test
    void withAKeyOnlyCountsWithItsValidTagAreRead() throws IOException {
        StoreKey key = StoreKey.of("a secret of thirty-two bytes or more".getBytes(StandardCharsets.UTF_8));
        StoreKey other = StoreKey.of("another secret of thirty-two bytes".getBytes(StandardCharsets.UTF_8));
        open().addCounts(List.of(counted(A, 1, 1, 1)));
        assertEquals(counted(A, 1, 1, 1), open().counts().get(A.idHash()), "read without a key");
        assertNull(open(key).counts().get(A.idHash()), "no tag: none with the key");
        assertEquals(List.of(), reported);
        open(key).addCounts(List.of(counted(A, 2, 2, 2)));
        assertEquals(counted(A, 2, 2, 2), open(key).counts().get(A.idHash()), "replaced, with its tag");
        assertNull(open(other).counts().get(A.idHash()));
        assertEquals(1, reported.size(), reported::toString);
        assertTrue(reported.get(0).contains("authentication tag"), reported::toString);
    }

    /**
     * A JVM's counts are one append to the journal, whatever the number of its functions: no
     * per-function file is written until the journal would pass its bound, when it is folded into
     * them; the sums are the same throughout.
     */
    @Test
    void countsAreAppendedToTheJournalAndFoldedWhenItIsFull() throws IOException {
        FileStore store = open();
        put(store, A, 1);
        List<FunctionCounts.Counted> thirty = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            thirty.add(new FunctionCounts.Counted(1000 + i, 1, 0, 0));
        }
        store.addCounts(thirty);
        store.addCounts(List.of(counted(A, 2, 3, 4)));
        assertEquals(31L * FunctionCounts.RECORD_BYTES, Files.size(journal()), "two appends");
        assertFalse(Files.exists(countsOf(A)), "no file written yet");
        assertEquals(counted(A, 2, 3, 4), open().counts().get(A.idHash()));
        assertEquals(31, open().counts().size());

        int adds = 0;
        long before = Files.size(journal());
        while (Files.exists(journal()) && Files.size(journal()) >= before) { // until an add folds
            before = Files.size(journal());
            store.addCounts(List.of(counted(A, 1, 1, 1)));
            adds++;
            assertTrue(!Files.exists(journal()) || Files.size(journal()) <= FunctionCounts.JOURNAL_MAX);
        }
        assertEquals((FunctionCounts.JOURNAL_MAX - 31 * FunctionCounts.RECORD_BYTES) / FunctionCounts.RECORD_BYTES + 1, adds,
                "folded at the add that would have passed the bound");
        assertTrue(Files.exists(countsOf(A)), "folded into the function's file");
        assertEquals(counted(A, 2 + adds, 3 + adds, 4 + adds), open().counts().get(A.idHash()));
        assertEquals(1, open().counts().get(1000L).hits());
        assertEquals(List.of(), reported);
    }

    /**
     * A journal record that does not check out is passed over (one report) and the others count; an
     * append cut short leaves a partial record, which is not read, and the next add folds the
     * journal; a link at the journal's name is not followed, and what it points to is untouched.
     */
    @Test
    void aDamagedRecordOrACutAppendOrALinkedJournalLosesOnlyWhatItHolds(@TempDir Path outside) throws IOException {
        FileStore store = open();
        put(store, A, 1);
        store.addCounts(List.of(counted(A, 1, 0, 0)));
        store.addCounts(List.of(counted(B, 10, 0, 0)));
        store.addCounts(List.of(counted(A, 100, 0, 0)));
        try (RandomAccessFile f = new RandomAccessFile(journal().toFile(), "rw")) {
            f.seek(FunctionCounts.RECORD_BYTES + 17); // the second record's hits
            f.write(f.read() ^ 0x40);
        }
        assertEquals(Map.of(A.idHash(), counted(A, 101, 0, 0)), open().counts());
        assertEquals(1, reported.size(), reported::toString);
        assertTrue(reported.get(0).startsWith("event counts: the function counts file " + journal() + " holds a record at "
                + FunctionCounts.RECORD_BYTES + " that does not match its checksum"), reported::toString);

        reported.clear();
        try (RandomAccessFile f = new RandomAccessFile(journal().toFile(), "rw")) {
            f.setLength(f.length() + 40); // an append cut short
        }
        assertEquals(counted(A, 101, 0, 0), open().counts().get(A.idHash()), "the partial record is not read");
        store.addCounts(List.of(counted(A, 1000, 0, 0)));
        assertFalse(Files.exists(journal()), "the add folded the journal instead of appending after the cut");
        assertEquals(Map.of(A.idHash(), counted(A, 1101, 0, 0)), open().counts());

        byte[] outsideBytes = "not memogen's".getBytes(StandardCharsets.UTF_8);
        Path target = Files.write(outside.resolve("target"), outsideBytes);
        Files.createSymbolicLink(journal(), target);
        reported.clear();
        assertEquals(Map.of(A.idHash(), counted(A, 1101, 0, 0)), open().counts(), "a link is not read");
        store.addCounts(List.of(counted(A, 1, 0, 0)));
        assertEquals(Map.of(A.idHash(), counted(A, 1102, 0, 0)), open().counts());
        assertArrayEquals(outsideBytes, Files.readAllBytes(target), "the file outside is untouched");
        assertFalse(Files.isSymbolicLink(journal()), "the link is gone");
        assertTrue(reported.stream().allMatch(r -> r.startsWith("event counts: the function counts file " + journal())),
                reported::toString);
    }

    /** With a key, journal records without a tag are none (no report), those with another key's are damage. */
    @Test
    void withAKeyOnlyJournalRecordsWithItsValidTagCount() throws IOException {
        StoreKey key = StoreKey.of("a secret of thirty-two bytes or more".getBytes(StandardCharsets.UTF_8));
        StoreKey other = StoreKey.of("another secret of thirty-two bytes".getBytes(StandardCharsets.UTF_8));
        open().addCounts(List.of(counted(A, 1, 1, 1)));
        open(key).addCounts(List.of(counted(A, 2, 2, 2)));
        assertEquals(counted(A, 3, 3, 3), open().counts().get(A.idHash()), "without a key, every record counts");
        assertEquals(counted(A, 2, 2, 2), open(key).counts().get(A.idHash()), "with it, only its own");
        assertEquals(List.of(), reported);
        assertNull(open(other).counts().get(A.idHash()));
        assertEquals(1, reported.size(), reported::toString);
        assertTrue(reported.get(0).contains("authentication tag"), reported::toString);
    }

    /**
     * {@code clear --function} drops that function's counts, {@code clear} all; {@code gc} drops the
     * counts of functions without entries and dead writers' temporary counts files, and keeps the
     * others and every names file of a function with entries.
     */
    @Test
    void clearAndGcDropCounts() throws IOException {
        FileStore store = open();
        StoredFunction c = new StoredFunction("c.C#h(int)", "v1", Ttl.NONE);
        put(store, A, 1);
        put(store, B, 1);
        put(store, c, 1);
        store.addCounts(List.of(counted(A, 1, 1, 1), counted(B, 2, 2, 2), counted(c, 3, 3, 3)));
        StoreMaintenance maintenance = StoreMaintenance.of(store, dir, null);
        assertEquals(1, maintenance.clear(false, A.idHash(), StoreMaintenance.Progress.NONE));
        assertEquals(Map.of(B.idHash(), counted(B, 2, 2, 2), c.idHash(), counted(c, 3, 3, 3)), store.counts());

        store.delete(c, 1, 1); // no entry of c left: its names and counts are orphans
        Path functions = dir.resolve("functions");
        Path dead = Files.write(functions.resolve(Hex.of(B.idHash()) + ".counts.tmp-2147483647-1"), new byte[10]);
        assertEquals(4, maintenance.collect(StoreMaintenance.Progress.NONE).filesRemoved(),
                "A's names, c's names and counts, a dead writer's temporary counts file");
        assertFalse(Files.exists(dead));
        assertEquals(Map.of(B.idHash(), counted(B, 2, 2, 2)), store.counts());
        assertTrue(Files.exists(functions.resolve(Hex.of(B.idHash()))), "B's names kept");

        store.addCounts(List.of(counted(A, 1, 1, 1)));
        maintenance.clear(true, 0, StoreMaintenance.Progress.NONE);
        assertEquals(Map.of(), store.counts());
        try (java.util.stream.Stream<Path> files = Files.list(functions)) {
            assertEquals(List.of(Hex.of(B.idHash())), files.map(p -> p.getFileName().toString()).toList(),
                    "clear leaves the names to gc");
        }
    }
}
