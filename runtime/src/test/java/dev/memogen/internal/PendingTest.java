package dev.memogen.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memogen.internal.core.MemoConfig;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol generated code follows for a method that returns a future ({@link MemoFunction#pending}),
 * against the real store: the value is stored by the thread that completes the future, callers of
 * a pending key join it, a failure stores nothing and reaches every caller as it is.
 */
class PendingTest {
    @TempDir Path dir;

    private static final MemoFunction<String> TEXT =
            MemoFunction.create("t.A#text(int)", "v1", StoreTestSupport.STRING, false);
    private static final MemoFunction<double[]> ARRAY =
            MemoFunction.create("t.A#array(int)", "v1", StoreTestSupport.DOUBLES, true);

    private void fresh() {
        MemoRuntime.install(MemoConfig.at(dir));
    }

    @Test
    void theValueIsStoredByTheThreadThatCompletesTheFutureBeforeTheCallerSeesIt() throws Exception {
        fresh();
        MemoFunction.Pending<String> p = TEXT.pending(1, 2);
        assertFalse(p.joined());
        CompletableFuture<String> body = new CompletableFuture<>();
        CompletableFuture<String> mine = p.complete(body);
        assertNotSame(body, mine, "the caller never gets the method's own future");
        assertFalse(mine.isDone());
        assertSame(MemoFunction.MISS, TEXT.get(1, 2), "nothing stored while pending");
        Thread completing = new Thread(() -> body.complete("x"));
        completing.start();
        completing.join();
        assertTrue(mine.isDone(), "completed by the thread that completed the method's future");
        assertEquals("x", mine.join());
        assertEquals("x", TEXT.get(1, 2), "in memory");
        fresh(); // a new runtime: memory is empty, the store is not
        assertEquals("x", TEXT.get(1, 2), "in the store");
        assertEquals(1, TEXT.statistics().storeHits());
    }

    @Test
    void callersOfAPendingKeyJoinItAndAFailureStoresNothing() throws Exception {
        fresh();
        MemoFunction.Pending<String> leader = TEXT.pending(3, 4);
        MemoFunction.Pending<String> follower = TEXT.pending(3, 4);
        assertFalse(leader.joined());
        assertTrue(follower.joined(), "the key is pending");
        CompletableFuture<String> body = new CompletableFuture<>();
        CompletableFuture<String> mine = leader.complete(body);
        CompletableFuture<String> theirs = follower.future();
        assertNotSame(mine, theirs);
        IllegalStateException failure = new IllegalStateException("no");
        body.completeExceptionally(failure);
        assertSame(failure, theirs.handle((v, t) -> t).get(10, TimeUnit.SECONDS), "the method's failure, unwrapped");
        assertSame(failure, mine.handle((v, t) -> t).get(10, TimeUnit.SECONDS));
        assertEquals(0, TEXT.statistics().memoryHits(), "a joined caller that got no value is no hit");
        assertEquals(0, TEXT.statistics().misses());
        assertSame(MemoFunction.MISS, TEXT.get(3, 4), "nothing stored");
        assertFalse(TEXT.pending(3, 4).joined(), "no longer pending: the next call computes");
    }

    @Test
    void aMethodThatThrowsOrReturnsNullReleasesTheKey() {
        fresh();
        MemoFunction.Pending<String> leader = TEXT.pending(5, 6);
        CompletableFuture<String> theirs = TEXT.pending(5, 6).future();
        IllegalArgumentException thrown = new IllegalArgumentException("bad");
        leader.fail(thrown);
        CompletionException e = assertThrows(CompletionException.class, theirs::join);
        assertSame(thrown, e.getCause());
        MemoFunction.Pending<String> again = TEXT.pending(5, 6);
        assertFalse(again.joined());
        assertNull(again.complete(null), "a null future is returned as it is");
        assertFalse(TEXT.pending(5, 6).joined());
    }

    @Test
    void aMutableValueIsCopiedForEachCaller() {
        fresh();
        MemoFunction.Pending<double[]> leader = ARRAY.pending(7, 8);
        MemoFunction.Pending<double[]> follower = ARRAY.pending(7, 8);
        CompletableFuture<double[]> body = new CompletableFuture<>();
        CompletableFuture<double[]> mine = leader.complete(body);
        CompletableFuture<double[]> theirs = follower.future();
        double[] computed = {1, 2, 3};
        body.complete(computed);
        double[] a = mine.join();
        double[] b = theirs.join();
        assertArrayEquals(computed, a);
        assertArrayEquals(computed, b);
        assertNotSame(computed, a);
        assertNotSame(a, b);
        a[0] = 42;
        assertArrayEquals(computed, b);
        assertEquals(1, ARRAY.statistics().misses(), "the leader computed");
        assertEquals(1, ARRAY.statistics().memoryHits(), "the caller that joined counts as a hit, as a flight's follower");
    }
}
