package dev.memogen.internal;

import static dev.memogen.internal.StoreTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.FunctionStats;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import dev.memogen.StoredEntry;
import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.hash.Hex;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage report ({@code Memogen.report()}, {@code memogen.report=true}) and the statistics
 * under it, against programs whose counts are known.
 */
class UsageReportTest {
    @TempDir Path dir;

    private static final MemoFunction<String> SLOW = MemoFunction.create("t.U#slow(int)", "v1", StoreTestSupport.STRING, false);
    private static final MemoFunction<String> IDLE = MemoFunction.create("t.U#idle(int)", "v1", StoreTestSupport.STRING, false);
    private final AtomicInteger runs = new AtomicInteger();

    /** {@code slow(x)} takes {@code 15 * x} ms or more. */
    private String slow(int x) {
        runs.incrementAndGet();
        ReportWorker.sleep(15L * x);
        return "slow-" + x;
    }

    private static FunctionStats stats(MemoFunction<?> fn) {
        return Memogen.statistics(fn.id()).orElseThrow();
    }

    /** The compute cost the store keeps for each argument 1, 2, 3 of {@link #SLOW} (index 0, 1, 2). */
    private long[] storedCosts() throws Exception {
        Map<String, Long> byKey = Memogen.storedEntries(SLOW.id()).stream()
                .collect(Collectors.toMap(StoredEntry::key, StoredEntry::computeNanos));
        assertEquals(3, byKey.size(), byKey.toString());
        long[] costs = new long[3];
        for (int x = 1; x <= 3; x++) {
            KeyHasher h = SLOW.begin();
            try {
                h.putInt(x);
            } finally {
                h.finish();
            }
            // the key as the store keeps it: salted per function (StoredFunction.storeK0)
            String key = Hex.of(SLOW.stored().storeK0(h.high())) + Hex.of(SLOW.stored().storeK1(h.low()));
            costs[x - 1] = byKey.get(key);
            assertTrue(costs[x - 1] >= 15_000_000L * x, "slow(" + x + ") slept " + 15 * x + " ms: " + costs[x - 1]);
        }
        return costs;
    }

    /**
     * 3 distinct arguments, 10 calls: 3 misses and 7 memory hits; then in a new runtime (memory
     * empty, the store kept) 4 calls: 3 store hits and 1 memory hit. Time saved is the stored cost
     * of each store hit's entry, exactly, and for each memory hit the mean cost of the values
     * computed or read (MemoFunction.memorySaved), to the nanosecond.
     */
    @Test
    void countsAndTimeSavedOfAKnownProgram() throws Exception {
        MemoRuntime.install(MemoConfig.at(dir));
        int[] first = {1, 2, 3, 1, 2, 3, 1, 2, 3, 1};
        for (int x : first) {
            assertEquals("slow-" + x, call(SLOW, x, this::slow));
        }
        assertEquals(3, runs.get());
        long[] c = storedCosts();
        FunctionStats s = stats(SLOW);
        assertEquals(10, s.calls());
        assertEquals(7, s.memoryHits());
        assertEquals(0, s.storeHits());
        assertEquals(0, s.remoteHits());
        assertEquals(3, s.misses());
        assertEquals(c[0] + c[1] + c[2], s.computeNanos(), "computing: the costs the store keeps");
        long sum = c[0] + c[1] + c[2];
        // 7 memory hits, each the mean of the 3 values computed (their own costs would make 3 * c[0] + 2 * c[1] + 2 * c[2])
        assertEquals(Math.round(7 * sum / 3.0), s.savedNanos());
        assertTrue(s.storedBytes() > 0, "bytes written");
        assertEquals(0, s.readBytes());
        assertTrue(s.overheadNanos() > 0, "three misses encoded and wrote");

        MemoRuntime.install(MemoConfig.at(dir)); // a new run: memory empty, statistics reset
        assertEquals(0, stats(SLOW).calls());
        for (int x : new int[] {1, 2, 3, 1}) {
            assertEquals("slow-" + x, call(SLOW, x, this::slow));
        }
        assertEquals(3, runs.get(), "nothing computed");
        s = stats(SLOW);
        assertEquals(4, s.calls());
        assertEquals(1, s.memoryHits());
        assertEquals(3, s.storeHits());
        assertEquals(0, s.misses());
        assertEquals(0, s.computeNanos());
        assertEquals(sum + Math.round(sum / 3.0), s.savedNanos(),
                "the stored costs carried up from the store, and one memory hit of their mean");
        assertTrue(s.readBytes() >= 3 * "slow-1".length(), "bytes read: " + s.readBytes());
        assertEquals(0, s.storedBytes());
        assertTrue(s.overheadNanos() > 0, "three store reads");

        String report = Memogen.report();
        assertTrue(Pattern.compile("(?m)^ +4 +1 +3 +0 +0 +0 ns +\\S+ \\S+ +\\S+ \\S+ +\\S+ \\S+ +0 B  t\\.U#slow\\(int\\)$")
                .matcher(report).find(), report);
        assertTrue(report.contains(UsageReport.time(s.savedNanos())), report);
        assertFalse(report.contains("t.U#idle"), "only the functions called: " + report);
        assertEquals(report, UsageReport.text(), "Memogen.report() is the report");
    }

    @Test
    void resetStatisticsStartsTheCountsAgainAndKeepsTheValues() {
        MemoRuntime.install(MemoConfig.at(dir));
        call(SLOW, 1, this::slow);
        call(SLOW, 1, this::slow);
        assertEquals(2, stats(SLOW).calls());
        Memogen.resetStatistics();
        FunctionStats zero = stats(SLOW);
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L), List.of(zero.memoryHits(), zero.storeHits(),
                zero.misses(), zero.computeNanos(), zero.storedBytes(), zero.invalidations(), zero.remoteHits(),
                zero.savedNanos(), zero.overheadNanos(), zero.readBytes()));
        assertTrue(Memogen.report().contains("no memoized function was called"), Memogen.report());
        call(SLOW, 1, this::slow);
        assertEquals(1, runs.get(), "the value stayed in memory");
        assertEquals(1, stats(SLOW).memoryHits());
    }

    @Test
    void remoteHitsAreCountedApartFromTheLocalStoresHits() {
        RemoteObjectsTest.DirectoryObjects bucket = new RemoteObjectsTest.DirectoryObjects(dir.resolve("bucket"));
        Memogen.configure(dev.memogen.MemogenSettings.at(dir.resolve("a")).withRemote(bucket, false, true));
        call(IDLE, 1, x -> "idle"); // a miss, uploaded
        Memogen.configure(dev.memogen.MemogenSettings.at(dir.resolve("b")).withRemote(bucket, true, false));
        call(IDLE, 1, x -> "idle"); // a remote hit, into the empty store b
        FunctionStats s = stats(IDLE);
        assertEquals(0, s.storeHits());
        assertEquals(1, s.remoteHits());
        assertEquals(1, s.calls());
        assertTrue(Pattern.compile("(?m)^ +1 +0 +0 +1 +0 .*t\\.U#idle\\(int\\)$").matcher(Memogen.report()).find(),
                Memogen.report());
        assertTrue(Pattern.compile("(?m)^remote given by .*DirectoryObjects.*: 1 hits, 0 misses, 0 rejected, 0 failures;"
                + " \\d+ B down, 0 B up \\(0 uploaded, 0 already there, 0 not shared\\); .*$").matcher(Memogen.report())
                .find(), Memogen.report());
        Memogen.configure(dev.memogen.MemogenSettings.at(dir.resolve("c")));
    }

    /** Rows in order of time saved; the warning for a function whose overhead beat what it saved, and only for it. */
    @Test
    void rowsBySavedTimeAndAWarningWhereCachingCostMore() {
        MemoFunction.Counts pays = new MemoFunction.Counts("a.A#pays()", 7, 0, 3, 1_200_000_000L, 13 << 20, 0, 0,
                2_800_000_000L, 1_100_000, 0);
        MemoFunction.Counts costs = new MemoFunction.Counts("b.B#costs()", 2, 5, 1, 40_000, 300, 0, 0, 90_000,
                340_000_000L, 5 << 10);
        MemoFunction.Counts firstRun = new MemoFunction.Counts("c.C#firstRun()", 0, 0, 4, 8_000_000_000L, 1024, 0, 0,
                0, 2_000_000, 0);
        // a first run whose overhead (the JVM's first store access) beat computing: not judged
        MemoFunction.Counts cheapFirstRun = new MemoFunction.Counts("e.E#cheapFirstRun()", 0, 0, 1, 1_000, 10, 0, 0,
                0, 300_000_000L, 0);
        MemoFunction.Counts unused = new MemoFunction.Counts("d.D#unused()", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        String text = UsageReport.text(List.of(costs, unused, firstRun, pays, cheapFirstRun));
        List<String> rows = text.lines().filter(l -> l.matches(" *\\d.*")).collect(Collectors.toList());
        assertEquals(4, rows.size(), text);
        assertTrue(rows.get(0).endsWith("a.A#pays()") && rows.get(1).endsWith("b.B#costs()")
                && rows.get(2).endsWith("c.C#firstRun()"), text);
        assertTrue(rows.get(0).matches(" +10 +7 +0 +0 +3 +1\\.2 s +2\\.8 s +1\\.1 ms +0 B +13\\.0 MiB  a\\.A#pays\\(\\)"),
                rows.get(0));
        assertTrue(rows.get(1).contains("340 ms") && rows.get(1).contains("5.0 KiB"), rows.get(1));
        assertTrue(text.startsWith("memogen report: 4 functions, 23 calls, 2.8 s saved, 643 ms overhead\n"), text);
        List<String> warnings = text.lines().filter(l -> l.contains("consider @Memo.Skip")).toList();
        assertEquals(List.of("memogen: caching b.B#costs() cost more than it saved (340 ms overhead, 90.0 us saved):"
                + " consider @Memo.Skip"), warnings, text);
    }

    /** A memory hit saves the mean cost of the function's values: exact when they are hit alike. */
    @Test
    void memoryHitsSaveTheMeanCostOfTheValues() {
        assertEquals(0, MemoFunction.memorySaved(5, 0, 0), "no value computed or read: nothing known");
        assertEquals(60, MemoFunction.memorySaved(6, 3, 30)); // values of 5, 10, 15 ns, each hit twice: 60 exactly
        assertEquals(Long.MAX_VALUE, MemoFunction.memorySaved(Long.MAX_VALUE, 1, Long.MAX_VALUE), "no overflow");
    }

    @Test
    void humanUnits() {
        Map<Long, String> times = Map.of(850L, "850 ns", 12_300L, "12.3 us", 340_000_000L, "340 ms",
                1_200_000_000L, "1.2 s", 99_990_000_000L, "100 s", 300_000_000_000L, "5.0 min",
                3 * 3_600_000_000_000L, "3.0 h");
        times.forEach((nanos, text) -> assertEquals(text, UsageReport.time(nanos)));
        Map<Long, String> sizes = Map.of(512L, "512 B", 3482L, "3.4 KiB", 13_107_200L, "12.5 MiB",
                (long) (1.1 * (1L << 30)), "1.1 GiB");
        sizes.forEach((bytes, text) -> assertEquals(text, UsageReport.bytes(bytes)));
    }

    /** {@code -Dmemogen.report=true}, or {@code MEMOGEN_REPORT=1}: the report on stderr at exit, in a JVM of its own. */
    @Test
    void reportAtExitInAJvmOfItsOwn() throws Exception {
        String[] calls = {"v1", "1", "2", "3", "1", "2", "3", "1", "2", "3", "1"};
        ProcessBuilder pb = Jvms.worker(ReportWorker.class, dir, calls);
        pb.command().add(1, "-Dmemogen.report=true");
        String err = stderrOf(pb);
        assertTrue(err.contains("memogen report: 1 function, 10 calls, "), err);
        assertTrue(Pattern.compile("(?m)^ +10 +7 +0 +0 +3 +\\S+ ms .*t\\.R#slow\\(int\\)$").matcher(err).find(), err);

        ProcessBuilder again = Jvms.worker(ReportWorker.class, dir, "v1", "1", "2", "3");
        again.environment().put("MEMOGEN_REPORT", "1");
        err = stderrOf(again);
        assertTrue(Pattern.compile("(?m)^ +3 +0 +3 +0 +0 +0 ns .*t\\.R#slow\\(int\\)$").matcher(err).find(), err);

        ProcessBuilder off = Jvms.worker(ReportWorker.class, dir, "v1", "1");
        off.environment().remove("MEMOGEN_REPORT");
        assertFalse(stderrOf(off).contains("memogen report"), "no report unless asked");
    }

    private static String stderrOf(ProcessBuilder pb) throws Exception {
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), Charset.defaultCharset());
        assertEquals(0, p.waitFor(), err);
        return err;
    }

    /** {@code MemogenSettings} stay as they were: the report is no setting of a store. */
    @Test
    void reportNeedsNoStore() {
        Memogen.configure(MemogenSettings.at(dir).withDisabled(true));
        assertTrue(Memogen.report().startsWith("memogen report: no memoized function was called"), Memogen.report());
    }
}
