package dev.memogen.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memogen.internal.Jvms;
import dev.memogen.internal.MemoRuntime;
import dev.memogen.internal.StallWorker;
import dev.memogen.internal.StoreTestSupport;
import dev.memogen.internal.StoreWorker;
import dev.memogen.internal.TestAccess;
import dev.memogen.internal.core.MemoConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that is stopped (SIGSTOP) or hangs, or a forged {@code flights} file, stalls no other
 * process for longer than a short bound (docs/store-format.md, "Stopped and hung processes"): not
 * while it keeps the index lock, not while it owns the flight of a key, not by a name in the file.
 * Separate JVMs, stopped with {@code kill -STOP}.
 */
class StalledProcessTest {
    @TempDir Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopWorkers() throws Exception {
        for (Process p : started) {
            signal(p, "CONT");
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process start(Class<?> main, String... args) throws IOException {
        Process p = Jvms.worker(main, dir, args).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    private static void signal(Process p, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start().waitFor();
    }

    /** Reads a worker's lines: {@code ready} counts down {@code ready}, {@code calls <n>} sets {@code calls}. */
    private static void follow(Process p, CountDownLatch ready, AtomicLong calls) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals("ready")) {
                        ready.countDown();
                    } else if (line.startsWith("calls ")) {
                        calls.set(Long.parseLong(line.substring(6)));
                    }
                }
            } catch (IOException e) {
                // the worker is gone
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** The pids holding a POSIX lock on {@code file}, from {@code /proc/locks}. */
    private static List<Long> lockHolders(Path file) throws IOException {
        long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
        List<Long> pids = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] f = line.trim().split("\\s+");
            // "1: POSIX  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF" (waiters have "->" after the number)
            if (f.length >= 8 && f[1].equals("POSIX") && f[5].endsWith(":" + inode)) {
                pids.add(Long.parseLong(f[4]));
            }
        }
        return pids;
    }

    /** Whether the index's change counter is odd: a change is under way (IndexHeader.H_CHANGES). */
    private static boolean changing(Path store) throws IOException {
        return (StoreFixtures.changeCounter(store) & 1) != 0;
    }

    private static long sum(List<AtomicLong> counts) {
        return counts.stream().mapToLong(AtomicLong::get).sum();
    }

    /**
     * A JVM stopped for 20 s while it keeps the index lock: three other JVMs, calling all along
     * (misses that store, hits), make at least half the calls they made in the 20 s before it.
     * (Before the fix: none, until the stopped JVM went on.)
     */
    @Test
    void aProcessStoppedWhileItKeepsTheIndexLockDoesNotStallTheOthers() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/locks")), "needs Linux's /proc/locks");
        Path store = dir.resolve("store");
        CountDownLatch writerReady = new CountDownLatch(1);
        Process writer = start(StallWorker.class, "writes", store.toString());
        follow(writer, writerReady, new AtomicLong());
        assertTrue(writerReady.await(60, TimeUnit.SECONDS), "the writer started");
        CountDownLatch ready = new CountDownLatch(3);
        List<AtomicLong> calls = new ArrayList<>();
        for (int seed = 1; seed <= 3; seed++) {
            AtomicLong count = new AtomicLong();
            calls.add(count);
            follow(start(StallWorker.class, "calls", store.toString(), String.valueOf(seed)), ready, count);
        }
        assertTrue(ready.await(120, TimeUnit.SECONDS), "the callers started");
        Thread.sleep(1000);

        long before = sum(calls);
        Thread.sleep(20_000);
        long running = sum(calls) - before;
        assertTrue(running > 100, "the callers call (" + running + " calls in 20 s)");

        Path lockFile = store.resolve("index.lock");
        boolean holding = false;
        for (int attempt = 0; attempt < 1000 && !holding; attempt++) {
            signal(writer, "STOP");
            Thread.sleep(5); // stopped by now
            holding = lockHolders(lockFile).contains(writer.pid());
            if (!holding) {
                signal(writer, "CONT");
                Thread.sleep(attempt % 7 + 1);
            }
        }
        assertTrue(holding, "the writer was stopped while it held the index lock");
        String when = changing(store) ? "in the middle of a change" : "keeping it between changes";
        long stoppedAt = sum(calls);
        Thread.sleep(20_000);
        long whileStopped = sum(calls) - stoppedAt;
        assertTrue(lockHolders(lockFile).contains(writer.pid()), "the writer held the lock all along");
        signal(writer, "CONT");
        System.out.println("StalledProcessTest: calls in 20 s: " + running + " running, " + whileStopped
                + " with the keeper of the index lock stopped " + when);
        assertTrue(2 * whileStopped >= running, "calls in 20 s while a process that keeps the index lock is stopped: "
                + whileStopped + ", in the 20 s before: " + running + " (stopped " + when + ")");
    }

    /** A JVM that stored an entry in {@code store}, then stopped (SIGSTOP) while it keeps the index lock. */
    private Process stoppedKeeper(Path store) throws Exception {
        Process keeper = start(StoreWorker.class, "keep", store.toString(), String.valueOf(TimeUnit.MINUTES.toMillis(10)));
        BufferedReader out = new BufferedReader(new InputStreamReader(keeper.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("stored", out.readLine(), "the keeper stored");
        signal(keeper, "STOP");
        Thread.sleep(100);
        assertTrue(lockHolders(store.resolve("index.lock")).contains(keeper.pid()), "the stopped keeper holds the lock");
        return keeper;
    }

    /**
     * A JVM that opens the store while a stopped process keeps the index lock waits for it about a
     * second, then maps the index without it: hits are served, misses computed (not stored), and
     * once the lock is free again its results are stored. (Before: the store was read-only for the
     * JVM's life.)
     */
    @Test
    void aStoreOpenedWhileAStoppedProcessKeepsTheIndexLockUsesItsIndex() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/locks")), "needs Linux's /proc/locks");
        Path store = dir.resolve("store");
        MemoConfig config = MemoConfig.at(store).withPackMax(0).withLockHoldMillis(0).withMemoryTierBytes(0);
        MemoRuntime.install(config);
        int[] runs = {0};
        java.util.function.IntFunction<String> body = k -> {
            runs[0]++;
            return StoreWorker.expectedText(k);
        };
        StoreTestSupport.call(StoreWorker.TEXT, 2, body);
        Process keeper = stoppedKeeper(store);

        long start = System.nanoTime();
        MemoRuntime.install(config);
        assertTrue(TestAccess.store().writable(), "the store has its index");
        assertEquals(StoreWorker.expectedText(2), StoreTestSupport.call(StoreWorker.TEXT, 2, body));
        assertEquals(1, runs[0], "a hit");
        assertEquals(StoreWorker.expectedText(3), StoreTestSupport.call(StoreWorker.TEXT, 3, body));
        assertEquals(2, runs[0], "a miss, computed");
        long took = System.nanoTime() - start;
        assertTrue(took < TimeUnit.SECONDS.toNanos(10), "opened, hit and missed in " + took / 1_000_000 + " ms");

        signal(keeper, "CONT");
        keeper.destroyForcibly();
        assertTrue(keeper.waitFor(30, TimeUnit.SECONDS));
        StoreTestSupport.call(StoreWorker.TEXT, 4, body);
        assertEquals(3, runs[0]);
        MemoRuntime.install(config);
        StoreTestSupport.call(StoreWorker.TEXT, 4, body);
        assertEquals(3, runs[0], "stored once the lock was free");
    }

    /**
     * While a stopped process keeps the index lock, an index that is a link to a file outside the
     * store (with a sound header) is not mapped without the lock either: the store is used
     * read-only, and the outside file is neither read as the index nor written.
     */
    @Test
    void anIndexLinkedOutsideWhileAStoppedProcessKeepsTheLockIsNotMapped() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/locks")), "needs Linux's /proc/locks");
        Path store = dir.resolve("store");
        MemoConfig config = MemoConfig.at(store).withPackMax(0).withLockHoldMillis(0).withMemoryTierBytes(0);
        MemoRuntime.install(config);
        int[] runs = {0};
        java.util.function.IntFunction<String> body = k -> {
            runs[0]++;
            return StoreWorker.expectedText(k);
        };
        StoreTestSupport.call(StoreWorker.TEXT, 2, body);
        Process keeper = stoppedKeeper(store);
        Path outside = dir.resolve("outside-index");
        Files.copy(store.resolve("index"), outside);
        byte[] before = Files.readAllBytes(outside);
        Files.delete(store.resolve("index"));
        Files.createSymbolicLink(store.resolve("index"), outside);
        try {
            MemoRuntime.install(config);
            assertTrue(!TestAccess.store().writable(), "no index through the link: read-only");
            assertEquals(StoreWorker.expectedText(2), StoreTestSupport.call(StoreWorker.TEXT, 2, body));
            assertEquals(StoreWorker.expectedText(5), StoreTestSupport.call(StoreWorker.TEXT, 5, body));
            assertEquals(2, runs[0], "a hit (read-only stores read object files), then a miss");
            assertArrayEquals(before, Files.readAllBytes(outside), "the file outside is untouched");
        } finally {
            signal(keeper, "CONT");
            keeper.destroyForcibly();
            assertTrue(keeper.waitFor(30, TimeUnit.SECONDS));
        }
    }

    /**
     * A process stopped while it computes a key owns its flight: a live owner beats (the word
     * changes), a stopped one does not, and another process computes the key itself after
     * {@link FlightTable#STALLED_AFTER_NANOS}, not after {@code memogen.lockTimeout} (10 minutes).
     * An owner that runs is waited for as before, past that bound.
     */
    @Test
    void aFlightWhoseOwnerIsStoppedIsComputedAfterTheShortBound() throws Exception {
        Path store = dir.resolve("store");
        Process running = start(StoreWorker.class, "hold", store.toString(), "7");
        Process stopped = start(StoreWorker.class, "hold", store.toString(), "8");
        for (Process p : List.of(running, stopped)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("computing", out.readLine(), "the holder started computing");
        }

        // The running owner beats: waited for until the lock timeout (3 s here), well past the bound.
        MemoRuntime.install(MemoConfig.at(store).withPackMax(0).withLockTimeoutMillis(3000));
        int[] runs = {0};
        long start = System.nanoTime();
        assertEquals(StoreWorker.expectedText(7), StoreTestSupport.call(StoreWorker.TEXT, 7, k -> {
            runs[0]++;
            return StoreWorker.expectedText(k);
        }));
        long waited = System.nanoTime() - start;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(2900), "waited for the running owner: " + waited / 1_000_000 + " ms");
        assertEquals(1, runs[0]);

        signal(stopped, "STOP");
        MemoRuntime.install(MemoConfig.at(store).withPackMax(0)); // lockTimeout: 10 minutes
        long startStopped = System.nanoTime();
        String v = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> StoreTestSupport.call(StoreWorker.TEXT, 8,
                k -> {
                    runs[0]++;
                    return StoreWorker.expectedText(k);
                }));
        long waitedStopped = System.nanoTime() - startStopped;
        assertEquals(StoreWorker.expectedText(8), v);
        assertEquals(2, runs[0], "computed here");
        assertTrue(waitedStopped < TimeUnit.SECONDS.toNanos(10), "computed after " + waitedStopped / 1_000_000
                + " ms, not after the short bound");
    }

    /**
     * A flights file where every word names a live process (forged: it computes nothing): misses
     * wait the short bound once, not {@code memogen.lockTimeout} (10 minutes) each.
     */
    @Test
    void aFlightsFileForgedWithALivePidDoesNotDelayMisses() throws Exception {
        Path store = dir.resolve("store");
        Process live = new ProcessBuilder("sleep", "300").start();
        started.add(live);
        MemoRuntime.install(MemoConfig.at(store).withPackMax(0));
        long forged = FlightTable.name(live.toHandle());
        int bytes = FlightTable.bytesFor(TestAccess.store().index().slots());
        try (FileChannel ch = FileChannel.open(store.resolve("flights"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
            m.order(ByteOrder.LITTLE_ENDIAN);
            for (int at = 0; at < bytes; at += 8) {
                m.putLong(at, forged);
            }
        }
        int[] runs = {0};
        long start = System.nanoTime();
        long longest = 0;
        for (int key = 0; key < 20; key++) {
            int k = key;
            long one = System.nanoTime();
            String v = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> StoreTestSupport.call(StoreWorker.TEXT,
                    k, x -> {
                        runs[0]++;
                        return StoreWorker.expectedText(x);
                    }));
            longest = Math.max(longest, System.nanoTime() - one);
            assertEquals(StoreWorker.expectedText(key), v);
        }
        long total = System.nanoTime() - start;
        assertEquals(20, runs[0]);
        assertTrue(longest < TimeUnit.SECONDS.toNanos(5), "the longest miss took " + longest / 1_000_000 + " ms");
        assertTrue(total < TimeUnit.SECONDS.toNanos(10), "20 misses took " + total / 1_000_000 + " ms");
    }
}
