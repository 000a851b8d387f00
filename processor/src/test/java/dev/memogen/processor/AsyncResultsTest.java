package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Methods that return {@code CompletableFuture<T>} or {@code CompletionStage<T>}: the value is
 * stored once the future completes normally, a hit (memory, store, another JVM) returns a completed
 * future of the caller's own, a future that fails or is cancelled stores nothing, and callers of a
 * key whose future is pending share it (the body runs once). Each key strategy (packed primitives,
 * values in memory, digest) and a receiver's method are covered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AsyncResultsTest {
    static Compilation compilation;
    static TestCompiler.Loaded loaded;
    @TempDir Path dir;

    static final JavaFileObject REPORTS = TestCompiler.source("async.Reports",
            "package async;",
            "import dev.memogen.GenerateMemo;",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "@GenerateMemo",
            "@SuppressWarnings(\"memogen:state\") // runs counts calls and gate holds them; neither affects results",
            "final class Reports {",
            "  static final AtomicInteger runs = new AtomicInteger();",
            "  /** Pending computations wait for it: the test completes it. */",
            "  static volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);",
            "  static CompletableFuture<String> greet(String name) {",
            "    runs.incrementAndGet();",
            "    return CompletableFuture.completedFuture(\"hello \" + name);",
            "  }",
            "  static CompletionStage<Integer> square(int n) {",
            "    runs.incrementAndGet();",
            "    return CompletableFuture.completedFuture(n * n);",
            "  }",
            "  static CompletableFuture<List<String>> words(List<String> lines) {",
            "    runs.incrementAndGet();",
            "    List<String> words = new ArrayList<>();",
            "    for (String line : lines) words.addAll(Arrays.asList(line.split(\" \")));",
            "    return CompletableFuture.completedFuture(words);",
            "  }",
            "  static CompletionStage<? extends List<String>> letters(String s) {",
            "    runs.incrementAndGet();",
            "    return CompletableFuture.completedFuture(new ArrayList<>(Arrays.asList(s.split(\"\"))));",
            "  }",
            "  static CompletableFuture<String> later(String s) {",
            "    runs.incrementAndGet();",
            "    return gate.thenApply(v -> s.toUpperCase(Locale.ROOT));",
            "  }",
            "  static CompletableFuture<int[]> laterRange(int n) {",
            "    runs.incrementAndGet();",
            "    return gate.thenApply(v -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = i; return a; });",
            "  }",
            "  static CompletableFuture<String> failing(String s) {",
            "    runs.incrementAndGet();",
            "    return CompletableFuture.failedFuture(new IllegalStateException(\"no \" + s));",
            "  }",
            "  static CompletableFuture<String> cancelled(String s) {",
            "    runs.incrementAndGet();",
            "    CompletableFuture<String> f = new CompletableFuture<>();",
            "    f.cancel(false);",
            "    return f;",
            "  }",
            "  static CompletableFuture<String> laterFailing(String s) {",
            "    runs.incrementAndGet();",
            "    return gate.thenApply(v -> { throw new IllegalStateException(\"no \" + s); });",
            "  }",
            "  static CompletableFuture<String> thrown(String s) {",
            "    runs.incrementAndGet();",
            "    throw new IllegalArgumentException(\"bad \" + s);",
            "  }",
            "  static CompletableFuture<String> none(String s) {",
            "    runs.incrementAndGet();",
            "    return null;",
            "  }",
            "  /** Memoized recursion through futures: each n runs once. */",
            "  static CompletableFuture<Long> fib(int n) {",
            "    runs.incrementAndGet();",
            "    if (n < 2) return CompletableFuture.completedFuture((long) n);",
            "    return ReportsMemo.fib(n - 1).thenCombine(ReportsMemo.fib(n - 2), Long::sum);",
            "  }",
            "  /** The same, with the first step pending until the gate opens: callers of n - 2 join n - 2's pending future. */",
            "  static CompletableFuture<Long> laterFib(int n) {",
            "    runs.incrementAndGet();",
            "    if (n < 2) return gate.thenApply(v -> (long) n);",
            "    return ReportsMemo.laterFib(n - 1).thenCombine(ReportsMemo.laterFib(n - 2), Long::sum);",
            "  }",
            "  static CompletableFuture<String> nullValue(String s) {",
            "    runs.incrementAndGet();",
            "    return CompletableFuture.completedFuture(null);",
            "  }",
            "}");

    static final JavaFileObject GREETER = TestCompiler.source("async.Greeter",
            "package async;",
            "import dev.memogen.GenerateMemo;",
            "import java.util.concurrent.CompletableFuture;",
            "@GenerateMemo",
            "public final class Greeter {",
            "  private final String greeting;",
            "  public Greeter(String greeting) { this.greeting = greeting; }",
            "  CompletableFuture<String> greet(String name) {",
            "    Reports.runs.incrementAndGet();",
            "    return CompletableFuture.supplyAsync(() -> greeting + \" \" + name); // completes on another thread",
            "  }",
            "}");

    @BeforeAll
    static void compileOnce() {
        compilation = TestCompiler.compile(REPORTS, GREETER);
        assertThat(compilation).succeeded();
        loaded = TestCompiler.load(compilation);
    }

    private static int runs() {
        return ((AtomicInteger) loaded.field("async.Reports", "runs")).get();
    }

    private static void setGate(CompletableFuture<Void> gate) {
        try {
            java.lang.reflect.Field f = loaded.type("async.Reports").getDeclaredField("gate");
            f.setAccessible(true);
            f.set(null, gate);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static CompletableFuture<?> call(String method, Object... args) {
        return (CompletableFuture<?>) loaded.call("async.ReportsMemo", method, args);
    }

    private static Object value(CompletableFuture<?> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void theGeneratedMethodKeepsTheSignatureAndWrapsHitsInACompletedFuture() throws Exception {
        String src = TestCompiler.generatedSource(compilation, "async.ReportsMemo");
        assertTrue(src.contains("public static CompletableFuture<String> greet(String name)"), src);
        assertTrue(src.contains("public static CompletionStage<Integer> square(int n)"), src);
        assertTrue(src.contains("public static CompletionStage<? extends List<String>> letters(String s)"), src);
        assertTrue(src.contains("return CompletableFuture.completedFuture(GREET.hit(c));"), src);
        assertTrue(src.contains("MemoFunction.Pending<String> pending = GREET.pending("), src);
        assertTrue(src.contains("private static final MemoFunction<List<String>> WORDS"), src);
        assertFalse(src.contains("MemoFunction.Flight"), "no flight is held while a future is pending");
    }

    /** Each key strategy: a hit is a completed future of its own, equal, and the body does not run again. */
    @Test
    void aValueIsStoredOnceItsFutureCompletesAndAHitReturnsACompletedFuture() throws Exception {
        Memogen.configure(MemogenSettings.at(dir));
        checkHits("greet", new Object[] {"ann"}, "hello ann");
        checkHits("square", new Object[] {7}, 49);
        checkHits("words", new Object[] {List.of("a b", "c")}, List.of("a", "b", "c"));
        checkHits("letters", new Object[] {"xyz"}, List.of("x", "y", "z"));
        checkHits("nullValue", new Object[] {"n"}, null);
    }

    private void checkHits(String method, Object[] args, Object expected) throws Exception {
        int before = runs();
        CompletableFuture<?> first = call(method, args);
        assertEquals(expected, value(first), method);
        assertEquals(before + 1, runs(), method + ": the first call runs the method");
        CompletableFuture<?> second = call(method, args);
        assertTrue(second.isDone() && !second.isCompletedExceptionally(), method + ": a hit is completed");
        assertEquals(expected, second.getNow(null), method);
        assertNotSame(first, second, method);
        // A caller that obtrudes its own future changes no other caller's.
        second.obtrudeValue(null);
        CompletableFuture<?> third = call(method, args);
        assertNotSame(second, third, method);
        assertEquals(expected, third.getNow(null), method);
        assertEquals(before + 1, runs(), method + ": hits run nothing");
        Memogen.clearMemory();
        CompletableFuture<?> stored = call(method, args);
        assertTrue(stored.isDone(), method + ": read from the store, completed");
        assertEquals(expected, stored.getNow(null), method + ": the stored value");
        assertEquals(before + 1, runs(), method + ": read from the store");
    }

    @Test
    void aMutableValueIsEachCallersOwn() throws Exception {
        Memogen.configure(MemogenSettings.at(dir));
        @SuppressWarnings("unchecked")
        List<String> first = (List<String>) value(call("words", List.of("p q")));
        first.clear();
        @SuppressWarnings("unchecked")
        List<String> second = (List<String>) value(call("words", List.of("p q")));
        assertEquals(List.of("p", "q"), second, "the first caller's change is not in the memory tier");
        second.add("r");
        assertEquals(List.of("p", "q"), value(call("words", List.of("p q"))));
    }

    @Test
    void aFailedOrCancelledFutureStoresNothingAndTheNextCallComputesAgain() throws Exception {
        Memogen.configure(MemogenSettings.at(dir));
        int before = runs();
        CompletableFuture<?> failed = call("failing", "x");
        ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IllegalStateException, "the method's own exception: " + e.getCause());
        assertEquals("no x", e.getCause().getMessage());
        assertThrows(ExecutionException.class, () -> call("failing", "x").get(30, TimeUnit.SECONDS));
        assertEquals(before + 2, runs(), "nothing stored: the second call ran the method again");

        CompletableFuture<?> cancelled = call("cancelled", "y");
        assertTrue(cancelled.isCancelled(), "cancelled as the method's future is");
        assertThrows(CancellationException.class, () -> call("cancelled", "y").join());
        assertEquals(before + 4, runs(), "a cancelled future stores nothing either");

        // Failing later, on the thread that completes the gate.
        CompletableFuture<Void> gate = new CompletableFuture<>();
        setGate(gate);
        CompletableFuture<?> pending = call("laterFailing", "z");
        assertFalse(pending.isDone());
        gate.complete(null);
        assertThrows(ExecutionException.class, () -> pending.get(30, TimeUnit.SECONDS));
        assertThrows(ExecutionException.class, () -> call("laterFailing", "z").get(30, TimeUnit.SECONDS));
        assertEquals(before + 6, runs());
    }

    @Test
    void aMethodThatThrowsOrReturnsNullStoresNothing() {
        Memogen.configure(MemogenSettings.at(dir));
        int before = runs();
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> call("thrown", "t"));
        assertEquals("bad t", thrown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> call("thrown", "t"));
        assertEquals(before + 2, runs(), "thrown as without memogen, and computed again");
        assertNull(call("none", "n"));
        assertNull(call("none", "n"));
        assertEquals(before + 4, runs(), "a null future is returned as it is and stores nothing");
    }

    /**
     * Threads that call while the first call's future is pending get futures of their own that
     * complete with the value when it does; the method runs once. An array (mutable) is copied for
     * each of them.
     */
    @Test
    void concurrentCallersOfAPendingKeyShareOneComputation() throws Exception {
        Memogen.configure(MemogenSettings.at(dir));
        CompletableFuture<Void> gate = new CompletableFuture<>();
        setGate(gate);
        int before = runs();
        CompletableFuture<?> first = call("later", "abc");
        CompletableFuture<?> firstRange = call("laterRange", 5);
        assertFalse(first.isDone(), "pending until the gate opens");
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch called = new CountDownLatch(threads);
        List<CompletableFuture<?>> strings = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<CompletableFuture<?>> ranges = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    strings.add(call("later", "abc"));
                    ranges.add(call("laterRange", 5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    called.countDown();
                }
            });
            t.start();
            started.add(t);
        }
        start.countDown();
        assertTrue(called.await(30, TimeUnit.SECONDS));
        assertEquals(threads, strings.size());
        assertEquals(before + 2, runs(), "callers of a pending key do not run the method");
        for (CompletableFuture<?> f : strings) {
            assertFalse(f.isDone(), "still pending");
            assertNotSame(first, f);
        }
        gate.complete(null);
        assertEquals("ABC", value(first));
        for (CompletableFuture<?> f : strings) {
            assertEquals("ABC", value(f));
        }
        int[] mine = (int[]) value(firstRange);
        assertEquals(5, mine.length);
        for (CompletableFuture<?> f : ranges) {
            int[] theirs = (int[]) value(f);
            assertTrue(java.util.Arrays.equals(new int[] {0, 1, 2, 3, 4}, theirs));
            assertNotSame(mine, theirs, "each caller its own array");
        }
        for (Thread t : started) {
            t.join();
        }
        assertEquals(before + 2, runs(), "the method ran once per key");
        CompletableFuture<?> after = call("later", "abc");
        assertTrue(after.isDone(), "stored before the callers' futures completed: now a hit");
        assertEquals(before + 2, runs());
    }

    @Test
    void memoizedRecursionThroughFuturesRunsEachKeyOnce() throws Exception {
        Memogen.configure(MemogenSettings.at(dir));
        int before = runs();
        assertEquals(12_586_269_025L, value(call("fib", 50)));
        assertEquals(before + 51, runs(), "fib(0) to fib(50), once each");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        setGate(gate);
        CompletableFuture<?> pending = call("laterFib", 30);
        assertFalse(pending.isDone());
        assertEquals(before + 51 + 31, runs(), "laterFib(0) to laterFib(30), once each, while their futures are pending");
        gate.complete(null);
        assertEquals(832_040L, value(pending));
        assertTrue(call("laterFib", 29).isDone(), "stored");
        assertEquals(before + 51 + 31, runs());
    }

    @Test
    void aReceiversMethodCompletingOnAnotherThreadIsStored() throws Exception {
        Memogen.configure(MemogenSettings.at(dir));
        Object hi = loaded.type("async.Greeter").getConstructor(String.class).newInstance("hi");
        Object yo = loaded.type("async.Greeter").getConstructor(String.class).newInstance("yo");
        int before = runs();
        assertEquals("hi bo", value((CompletableFuture<?>) loaded.call("async.GreeterMemo", "greet", hi, "bo")));
        CompletableFuture<?> hit = (CompletableFuture<?>) loaded.call("async.GreeterMemo", "greet", hi, "bo");
        assertTrue(hit.isDone());
        assertEquals("hi bo", hit.getNow(null));
        assertEquals("yo bo", value((CompletableFuture<?>) loaded.call("async.GreeterMemo", "greet", yo, "bo")));
        assertEquals(before + 2, runs(), "another receiver is another key");
    }

    @Test
    void aFutureOfAValueThatCannotBeStoredIsACompileErrorNamingTheValue() {
        JavaFileObject src = TestCompiler.source("p.Bad",
                "package p;",
                "import dev.memogen.GenerateMemo;",
                "import java.util.concurrent.*;",
                "@GenerateMemo",
                "final class Bad {",
                "  static final class Pojo { int level; }",
                "  static CompletableFuture<Pojo> pojo(int n) { return null; }",
                "  static CompletionStage<Object> anything(int n) { return null; }",
                "  @SuppressWarnings(\"rawtypes\") static CompletableFuture raw(int n) { return null; }",
                "  static CompletableFuture<Void> done(int n) { return null; }",
                "  static java.util.List<CompletableFuture<String>> many(int n) { return null; }",
                "}");
        Compilation c = TestCompiler.compileLenient(src);
        assertThat(c).failed();
        assertThat(c).hadErrorCount(5);
        assertThat(c).hadErrorContaining("[MemoUnstorable] return type java.util.concurrent.CompletableFuture<p.Bad.Pojo>"
                + " cannot be stored: the future completes with p.Bad.Pojo, which cannot be stored: Pojo is a class,"
                + " not a record").inFile(src).onLineContaining("CompletableFuture<Pojo> pojo(");
        assertThat(c).hadErrorContaining("the future completes with java.lang.Object, which cannot be stored")
                .inFile(src).onLineContaining("CompletionStage<Object> anything(");
        assertThat(c).hadErrorContaining("a raw future does not say what it completes with").inFile(src)
                .onLineContaining("CompletableFuture raw(");
        assertThat(c).hadErrorContaining("a future of Void completes with no value").inFile(src)
                .onLineContaining("CompletableFuture<Void> done(");
        assertThat(c).hadErrorContaining("[MemoUnstorable]").inFile(src)
                .onLineContaining("List<CompletableFuture<String>> many(");
    }

    private static final String MAIN = """
            package app;
            import java.util.concurrent.*;
            public final class Main {
                static <T> T call(String what, java.util.function.Supplier<CompletableFuture<T>> call) {
                    int before = Slow.runs;
                    CompletableFuture<T> f = call.get();
                    boolean done = f.isDone();
                    try {
                        T value = f.get(60, TimeUnit.SECONDS);
                        System.out.println(what + " " + value
                                + (Slow.runs != before ? " ran" : done ? " hit" : " hit, but not completed"));
                        return value;
                    } catch (ExecutionException e) {
                        System.out.println(what + " failed: " + e.getCause().getMessage()
                                + (Slow.runs == before ? " hit" : " ran"));
                        return null;
                    } catch (InterruptedException | TimeoutException e) {
                        throw new AssertionError(e);
                    }
                }

                public static void main(String[] args) {
                    call("square", () -> SlowMemo.square(12));
                    call("square", () -> SlowMemo.square(12));
                    call("total", () -> SlowMemo.total(java.util.List.of(1, 2, 3)).toCompletableFuture());
                    call("failing", () -> SlowMemo.failing(1));
                }
            }
            """;

    private static final String SLOW = """
            package app;
            import dev.memogen.GenerateMemo;
            import java.util.List;
            import java.util.concurrent.*;
            @GenerateMemo
            @SuppressWarnings("memogen:state") // runs counts calls; it does not affect results
            final class Slow {
                static volatile int runs;
                static CompletableFuture<Long> square(int n) {
                    runs++;
                    return CompletableFuture.supplyAsync(() -> (long) n * n);
                }
                static CompletionStage<Integer> total(List<Integer> xs) {
                    runs++;
                    return CompletableFuture.supplyAsync(() -> xs.stream().mapToInt(Integer::intValue).sum());
                }
                static CompletableFuture<Integer> failing(int n) {
                    runs++;
                    return CompletableFuture.supplyAsync(() -> { throw new IllegalStateException("no " + n); });
                }
            }
            """;

    /** Values stored by one JVM (from the threads that completed the futures) are hits in the next. */
    @Test
    void aSecondJvmOnTheSameStoreGetsHitsWithoutRunningTheBody() throws Exception {
        Path classes = TestCompiler.compileToDirectory(dir, "app", java.util.Map.of("Slow.java", SLOW, "Main.java", MAIN));

        assertEquals("""
                square 144 ran
                square 144 hit
                total 6 ran
                failing failed: no 1 ran""", run(classes), "first JVM");
        assertEquals("""
                square 144 hit
                square 144 hit
                total 6 hit
                failing failed: no 1 ran""", run(classes), "second JVM: no body runs but the failed one");
    }

    private String run(Path classes) throws Exception {
        return TestCompiler.runInNewJvm(dir, classes, "app.Main");
    }

    /** A CompletionStage result: the declared type is kept, and what comes back is a CompletableFuture. */
    @Test
    void aCompletionStageHitIsACompletableFuture() throws Exception {
        Memogen.configure(MemogenSettings.at(dir));
        CompletionStage<?> first = (CompletionStage<?>) loaded.call("async.ReportsMemo", "square", 9);
        assertEquals(81, first.toCompletableFuture().get(30, TimeUnit.SECONDS));
        CompletionStage<?> hit = (CompletionStage<?>) loaded.call("async.ReportsMemo", "square", 9);
        assertTrue(hit instanceof CompletableFuture<?> f && f.isDone());
        assertEquals(81, hit.toCompletableFuture().getNow(null));
    }
}
