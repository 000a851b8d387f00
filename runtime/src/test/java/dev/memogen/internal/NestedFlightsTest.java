package dev.memogen.internal;

import static dev.memogen.internal.StoreTestSupport.LONG;
import static dev.memogen.internal.StoreTestSupport.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.core.MemoConfig;
import dev.memogen.internal.store.StoreFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memoized calls made inside memoized calls: they never wait for a flight of their own thread,
 * two threads of one JVM never wait for each other's flights in a cycle, a call inside a
 * computation waits only briefly for another process, and the compute time recorded is the
 * body's own. The {@code @Timeout}s guard against the hangs these tests were written for.
 */
class NestedFlightsTest {
    @TempDir Path dir;

    private static final MemoFunction<Long> FIB = MemoFunction.create("t.N#fib(int)", "v1", LONG, false);
    private static final MemoFunction<Long> F = MemoFunction.create("t.N#f(int)", "v1", LONG, false);
    private static final MemoFunction<Long> G = MemoFunction.create("t.N#g(int)", "v1", LONG, false);
    private static final MemoFunction<Long> SQUARE = MemoFunction.create("t.N#square(int)", "v1", LONG, false);
    private static final MemoFunction<Long> DOWN = MemoFunction.create("t.N#down(int)", "v1", LONG, false);
    private static final MemoFunction<Long> OUTER = MemoFunction.create("t.N#outer(int)", "v1", LONG, false);
    private static final MemoFunction<Long> INNER = MemoFunction.create("t.N#inner(int)", "v1", LONG, false);

    private final AtomicInteger bodies = new AtomicInteger();
    private Process foreign;

    @AfterEach
    void stopForeignProcess() {
        if (foreign != null) {
            foreign.destroyForcibly();
        }
    }

    private long fib(int n) {
        bodies.incrementAndGet();
        return n < 2 ? n : call(FIB, n - 1, this::fib) + call(FIB, n - 2, this::fib);
    }

    /**
     * Before the fix, the 1001 flights of one thread held 1001 of the 65,536 stripes of the
     * key-lock table, and a call whose key fell on a stripe held by an outer frame waited for it
     * until {@code memogen.lockTimeout} (here 10 minutes).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void recursionOnOneThreadNeverWaitsForItsOwnFlights() {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
        assertEquals(817770325994397771L, call(FIB, 1000, this::fib)); // fib(1000) mod 2^64
        assertEquals(1001, bodies.get(), "each body once");
        assertEquals(1001, FIB.statistics().misses());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void fourThreadsRecursingTogetherRunEachBodyOnce() throws Exception {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
        Thread[] threads = new Thread[4];
        AtomicReference<Throwable> failed = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < threads.length; i++) {
            int from = 1000 - 7 * i;
            threads[i] = new Thread(() -> {
                try {
                    go.await();
                    call(FIB, from, this::fib);
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            threads[i].setDaemon(true); // a hang must not keep the test JVM alive
            threads[i].start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        assertEquals(1001, bodies.get(), "each body once");
    }

    private long down(int n) {
        bodies.incrementAndGet();
        return n == 0 ? 0 : call(DOWN, n - 1, this::down) + 1;
    }

    /**
     * Recursion deeper than the thread's stack ends in a StackOverflowError, as it would without
     * memogen; the error can strike again inside the cleanup of the innermost flights. Whatever
     * is left open is cleaned up by an outer frame, so afterwards every key can still be
     * computed: none waits forever for a flight that ended, and no key lock stays taken.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aStackOverflowInsideNestedCallsLeavesNoFlightOpen() throws Exception {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withLockTimeoutMillis(30_000));
        // Where in the innermost frames the error strikes depends on the stack's size: try many.
        for (int kib = 128; kib < 384; kib += 4) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread small = new Thread(null, () -> run(thrown, () -> call(DOWN, 200_000, this::down)), "small", kib << 10);
            small.start();
            small.join();
            assertTrue(thrown.get() instanceof StackOverflowError, String.valueOf(thrown.get()));
        }
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicReference<Long> got = new AtomicReference<>();
        Thread large = new Thread(null, () -> run(failed, () -> got.set(call(DOWN, 20_000, this::down))), "large", 1L << 30);
        large.setDaemon(true); // a hang must not keep the test JVM alive
        large.start();
        large.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        assertEquals(20_000L, got.get());
        int open = 0;
        for (int n = 0; n <= 20_000; n++) {
            KeyHasher h = KeyHasher.create();
            h.putInt(n);
            h.finish();
            open += MemoRuntime.get().store().keyOwnerPid(DOWN.stored(), h.high(), h.low()) == 0 ? 0 : 1;
        }
        assertEquals(0, open, "key locks left taken");
    }

    /**
     * Thread A computes f(1) and then needs g(1); thread B computes g(1) and then needs f(1).
     * (Not pure: which one calls the other depends on the thread, which is what makes the cycle
     * possible.) Before the fix each waited for the other's flight forever.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void twoThreadsThatNeedEachOthersResultsDoNotDeadlock() throws Exception {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
        CountDownLatch bothStarted = new CountDownLatch(2);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread a = new Thread(() -> run(failed, () -> call(F, 1, x -> meet(bothStarted, "A", () -> call(G, 1, y -> 2L)))), "A");
        Thread b = new Thread(() -> run(failed, () -> call(G, 1, y -> meet(bothStarted, "B", () -> call(F, 1, x -> 1L)))), "B");
        a.setDaemon(true); // a deadlock must not keep the test JVM alive
        b.setDaemon(true);
        a.start();
        b.start();
        a.join();
        b.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }

    private static void run(AtomicReference<Throwable> failed, Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            failed.set(t);
        }
    }

    /** Waits until both threads are inside their bodies, then makes the nested call on {@code thread}. */
    private static long meet(CountDownLatch bothStarted, String thread, java.util.function.LongSupplier nested) {
        bothStarted.countDown();
        try {
            assertTrue(bothStarted.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(thread, Thread.currentThread().getName());
        return nested.getAsLong() + 10;
    }

    /** Makes a live process of another pid the owner of the stripe of {@code fn}'s key for {@code x}. */
    private void strangerOwnsTheKeyOf(MemoFunction<?> fn, int x) throws IOException {
        foreign = new ProcessBuilder("sleep", "120").start();
        KeyHasher h = KeyHasher.create();
        h.putInt(x);
        h.finish();
        StoreFixtures.ownKey(dir, MemoRuntime.get().store(), fn.stored().idHash(), h.high(), h.low(), foreign.toHandle());
        assertEquals(foreign.pid(), MemoRuntime.get().store().keyOwnerPid(fn.stored(), h.high(), h.low()));
    }

    /**
     * A process that holds a key's lock makes a call wait (here the whole lock timeout, 1 s)
     * before computing; that wait, like every other part of the cache's work, is not compute
     * time. Before the fix the clock started before the store lookup and the cross-process lock.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void computeTimeIsTheBodysAlone() throws Exception {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0).withLockTimeoutMillis(1000));
        strangerOwnsTheKeyOf(SQUARE, 7);
        long start = System.nanoTime();
        assertEquals(49L, call(SQUARE, 7, x -> (long) x * x));
        assertTrue(System.nanoTime() - start >= 1_000_000_000L, "waited for the stranger first");
        long computed = SQUARE.statistics().computeNanos();
        assertTrue(computed < 500_000_000L, "compute time " + computed / 1_000_000 + " ms includes the wait");
    }

    /**
     * A call inside a memoized computation whose key another process holds waits about a second,
     * not the lock timeout (10 minutes here): the other process may be waiting for a key this
     * thread holds.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCallInsideAComputationWaitsBrieflyForAnotherProcess() throws Exception {
        MemoRuntime.install(MemoConfig.at(dir).withPackMax(0));
        strangerOwnsTheKeyOf(INNER, 1);
        long start = System.nanoTime();
        assertEquals(3L, call(OUTER, 1, x -> call(INNER, 1, y -> 2L) + 1));
        long waited = System.nanoTime() - start;
        assertTrue(waited >= MemoFunction.NESTED_WAIT_NANOS, "it did wait for the owner first");
        assertEquals(1, INNER.statistics().misses(), "then computed the inner call itself");
    }
}
