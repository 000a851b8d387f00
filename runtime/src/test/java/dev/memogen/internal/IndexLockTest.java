package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.core.MemoConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index lock between processes, kept after a change for the next one ({@code memogen.lockHold}),
 * with separate JVMs: kept while idle and not asked for, let go when idle for the hold, and when
 * another process asks.
 */
class IndexLockTest {
    @TempDir Path dir;
    private Process worker;

    @AfterEach
    void stopWorker() throws InterruptedException {
        if (worker != null) {
            worker.destroyForcibly();
            worker.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts a {@link StoreWorker} and waits for its first line. */
    private void start(String expected, String... args) throws Exception {
        worker = Jvms.worker(dir, args).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
        assertEquals(expected, out.readLine(), "the worker started");
    }

    /** Tries the index's file lock the way an older process would, without asking for it. */
    private static FileLock tryTheFileLock(Path store) throws Exception {
        try (FileChannel ch = FileChannel.open(store.resolve("index.lock"), StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l != null) {
                l.release();
            }
            return l;
        }
    }

    @Test
    void aProcessKeepsTheLockAfterAChangeAndLetsGoWhenIdleForTheHold() throws Exception {
        Path store = dir.resolve("store");
        start("stored", "keep", store.toString(), String.valueOf(TimeUnit.MINUTES.toMillis(10)));
        Thread.sleep(300);
        assertNull(tryTheFileLock(store), "kept, idle for less than its hold of 10 minutes");
        worker.destroyForcibly();
        worker.waitFor(30, TimeUnit.SECONDS);

        // A hold of 200 ms: let go after about that, long before the latest keep (100 holds, 20 s)
        start("stored", "keep", store.toString(), "200");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        FileLock got = null;
        while (got == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
            got = tryTheFileLock(store);
        }
        assertNotNull(got, "let go once idle for its hold");
        assertTrue(worker.isAlive(), "by the live process, not by its exit");
    }

    /**
     * A process storing one new key after another, with a hold that never runs out, lets another
     * process in whenever it asks: every store of the other process gets the lock well before its
     * lock timeout, so every value it stores is a hit afterwards.
     */
    @Test
    void aBusyProcessLetsGoOfTheLockWhenAnotherAsks() throws Exception {
        Path store = dir.resolve("store");
        start("ready", "busy", store.toString(), String.valueOf(TimeUnit.MINUTES.toMillis(10)));
        Thread.sleep(500); // it stores away, keeping the lock
        MemoConfig config = MemoConfig.at(store).withMemoryTierBytes(0).withLockTimeoutMillis(30_000).withLockHoldMillis(0);
        MemoRuntime.install(config);
        AtomicInteger runs = new AtomicInteger();
        for (int key = 0; key < 20; key++) {
            assertEquals(StoreWorker.expectedText(key), StoreTestSupport.call(StoreWorker.TEXT, key, k -> {
                runs.incrementAndGet();
                return StoreWorker.expectedText(k);
            }));
        }
        assertEquals(20, runs.get());
        assertTrue(worker.isAlive(), "the busy process was storing all along");
        MemoRuntime.install(config); // a fresh runtime: every value comes from the store
        for (int key = 0; key < 20; key++) {
            assertEquals(StoreWorker.expectedText(key), StoreTestSupport.call(StoreWorker.TEXT, key, k -> {
                runs.incrementAndGet();
                return StoreWorker.expectedText(k);
            }));
        }
        assertEquals(20, runs.get(), "every value was stored, none timed out waiting for the lock");
    }
}
