package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DeepValuesTest {
    /** Counts down from {@code n} one frame a level, as generated helpers walk a recursive record. */
    private static long depthOf(int n, int depth) {
        if (depth >= DeepValues.LEVELS) {
            return DeepValues.call(() -> depthOf(n, DeepValues.HOP_START));
        }
        return n == 0 ? 0 : 1 + depthOf(n - 1, depth + 1);
    }

    @Test
    void recursionAMillionLevelsDeepRunsOnAThreadWithTheDefaultStack() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(depthOf(1_000_000, 0));
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.start();
        t.join();
        assertEquals(1_000_000L, result.get());
    }

    @Test
    void aHopRunsOnAnotherThreadAndReturnsItsValue() {
        Thread caller = Thread.currentThread();
        Thread hop = DeepValues.call(Thread::currentThread);
        assertNotSame(caller, hop);
        assertEquals("memogen-deep", hop.getName());
        assertTrue(hop.isDaemon());
        assertTrue(DeepValues.test(() -> true));
        assertFalse(DeepValues.test(() -> false));
        int[] ran = new int[1];
        DeepValues.run(() -> ran[0]++);
        assertEquals(1, ran[0], "what the hop wrote is seen after it");
    }

    @Test
    void whatAHopThrowsIsThrownAsItIs() {
        IllegalStateException runtime = new IllegalStateException("damaged");
        assertSame(runtime, assertThrows(IllegalStateException.class, () -> DeepValues.run(() -> {
            throw runtime;
        })));
        OutOfMemoryError error = new OutOfMemoryError("test");
        assertSame(error, assertThrows(OutOfMemoryError.class, () -> DeepValues.call(() -> {
            throw error;
        })));
    }

    @Test
    void theCallersInterruptIsKeptForIt() {
        Thread.currentThread().interrupt();
        try {
            boolean hopInterrupted = DeepValues.test(() -> {
                try {
                    Thread.sleep(50);
                    return Thread.currentThread().isInterrupted();
                } catch (InterruptedException e) {
                    return true;
                }
            });
            assertFalse(hopInterrupted, "the hop is not interrupted");
            assertTrue(Thread.currentThread().isInterrupted(), "the caller still is");
        } finally {
            Thread.interrupted();
        }
    }
}
