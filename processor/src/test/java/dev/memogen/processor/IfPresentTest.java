package dev.memogen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.memogen.Memogen;
import dev.memogen.MemogenSettings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code <Name>Memo.IfPresent.<method>(args)}: the stored result, if one is valid now, in an
 * {@code Optional}, without running the method and without waiting for a computation under way;
 * for each key strategy (a few primitives packed; values hashed cheaply, kept arguments compared;
 * a digest of anything else), an instance method, an overload pair, generic methods, a mutable
 * result, a future, after memory is cleared (the store) and in other JVMs on the same store. The
 * driver calls the generated methods with their static types: {@code IfPresent}'s signatures are
 * checked by the compiler (with {@code -Werror}), its behaviour by the strings it returns.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // an IfPresent that claimed a flight would leave later calls waiting: fail, do not hang
class IfPresentTest {
    static TestCompiler.Loaded loaded;
    @TempDir Path dir;

    private static final String SHELF = """
            package look;
            import dev.memogen.GenerateMemo;
            import java.util.*;
            import java.util.concurrent.*;
            @GenerateMemo
            @SuppressWarnings("memogen:state") // runs counts calls, the latches pace them; no result depends on them
            final class Shelf {
                static int runs;
                static volatile CountDownLatch started = new CountDownLatch(0);
                static volatile CountDownLatch release = new CountDownLatch(0);
                record Point(int x, int y) {}
                sealed interface Shape permits Circle, Square {}
                record Circle(double r) implements Shape {}
                record Square(double side) implements Shape {}

                static long add(int a, int b) { runs++; return (long) a + b; }
                static double weigh(Point p, double w) { runs++; return (p.x() + p.y()) * w; }
                static int total(List<Integer> xs) { runs++; int s = 0; for (int x : xs) s += x; return s; }
                static int[] doubled(int[] xs) { runs++; int[] r = xs.clone(); for (int i = 0; i < r.length; i++) r[i] *= 2; return r; }
                static String describe(int n) { runs++; return "int " + n; }
                static String describe(String s) { runs++; return "string " + s; }
                static <L extends List<String>> int letters(L words) { runs++; return String.join("", words).length(); }
                static <S extends Shape> S same(S s) { runs++; return s; }
                static CompletableFuture<String> greet(String name) { runs++; return CompletableFuture.completedFuture("hi " + name); }
                static String nothing(String key) { runs++; return null; }
                static String slow(String key) throws InterruptedException {
                    runs++;
                    started.countDown();
                    release.await();
                    return key.toUpperCase(Locale.ROOT);
                }
            }
            """;

    private static final String ACCOUNT = """
            package look;
            import dev.memogen.GenerateMemo;
            @GenerateMemo
            @SuppressWarnings("memogen:state") // runs counts calls; it does not affect results
            final class Account {
                static int runs;
                private final long balance;
                Account(long balance) { this.balance = balance; }
                long projected(int years) { runs++; return balance * (100 + years) / 100; }
            }
            """;

    private static final String DRIVER = """
            package look;
            import dev.memogen.Memogen;
            import java.util.*;
            import java.util.concurrent.*;
            public final class Driver {
                private Driver() {}

                static int runs() {
                    return Shelf.runs + Account.runs;
                }

                static String seen(Optional<?> o) {
                    return o.map(v -> v instanceof int[] a ? Arrays.toString(a) : String.valueOf(v)).orElse("empty");
                }

                /** What IfPresent sees for one call of each key strategy, and how many bodies ran. */
                static String look() {
                    Optional<Long> add = ShelfMemo.IfPresent.add(1, 2);
                    Optional<Double> weigh = ShelfMemo.IfPresent.weigh(new Shelf.Point(1, 2), 2.0);
                    Optional<Integer> total = ShelfMemo.IfPresent.total(new ArrayList<>(List.of(1, 2, 3)));
                    return seen(add) + " " + seen(weigh) + " " + seen(total) + " runs " + runs();
                }

                static void compute() {
                    ShelfMemo.add(1, 2);
                    ShelfMemo.weigh(new Shelf.Point(1, 2), 2.0);
                    ShelfMemo.total(List.of(1, 2, 3));
                }

                public static List<String> strategies() {
                    List<String> out = new ArrayList<>();
                    out.add(look());
                    compute();
                    out.add(look());
                    Memogen.clearMemory();
                    out.add(look());
                    out.add(look());
                    out.add(seen(ShelfMemo.IfPresent.add(2, 1)) + " "
                            + seen(ShelfMemo.IfPresent.weigh(new Shelf.Point(1, 2), 3.0)) + " "
                            + seen(ShelfMemo.IfPresent.total(List.of(3, 2, 1))) + " runs " + runs());
                    out.add(Memogen.statistics("look.Shelf#add(int,int)")
                            .map(s -> s.memoryHits() + " " + s.storeHits() + " " + s.misses()).orElse("no statistics"));
                    return out;
                }

                public static List<String> shapes() {
                    List<String> out = new ArrayList<>();
                    Shelf.Circle one = new Shelf.Circle(1);
                    List<String> words = new ArrayList<>(List.of("ab", "c"));
                    Runnable look = () -> {
                        Optional<Long> projected = AccountMemo.IfPresent.projected(new Account(100), 10);
                        Optional<String> byInt = ShelfMemo.IfPresent.describe(7);
                        Optional<String> byString = ShelfMemo.IfPresent.describe("7");
                        Optional<Integer> letters = ShelfMemo.IfPresent.letters(words);
                        Optional<Shelf.Circle> same = ShelfMemo.IfPresent.same(new Shelf.Circle(1));
                        out.add(seen(projected) + ", " + seen(byInt) + ", " + seen(byString) + ", " + seen(letters)
                                + ", " + seen(same) + ", runs " + runs());
                    };
                    look.run();
                    AccountMemo.projected(new Account(100), 10);
                    ShelfMemo.describe(7);
                    look.run();
                    ShelfMemo.describe("7");
                    ShelfMemo.letters(words);
                    ShelfMemo.same(one);
                    look.run();
                    Memogen.clearMemory();
                    look.run();
                    out.add(seen(AccountMemo.IfPresent.projected(new Account(200), 10)) + " "
                            + seen(ShelfMemo.IfPresent.same(new Shelf.Square(1))) + " runs " + runs());
                    return out;
                }

                public static List<String> mutable() {
                    List<String> out = new ArrayList<>();
                    int[] xs = {1, 2, 3};
                    int[] r = ShelfMemo.doubled(xs);
                    for (int round = 0; round < 2; round++) {
                        int[] a = ShelfMemo.IfPresent.doubled(xs).orElseThrow();
                        a[0] = 99;
                        int[] b = ShelfMemo.IfPresent.doubled(xs).orElseThrow();
                        b[1] = 98;
                        out.add(Arrays.toString(ShelfMemo.IfPresent.doubled(xs).orElseThrow()) + " " + (a != r) + " "
                                + (a != b) + " runs " + runs());
                        Memogen.clearMemory();
                    }
                    out.add(Arrays.toString(ShelfMemo.doubled(xs)) + " runs " + runs());
                    return out;
                }

                public static List<String> future() {
                    List<String> out = new ArrayList<>();
                    Optional<CompletableFuture<String>> before = ShelfMemo.IfPresent.greet("ann");
                    out.add(seen(before) + " runs " + runs());
                    ShelfMemo.greet("ann").join();
                    for (int round = 0; round < 2; round++) {
                        CompletableFuture<String> f = ShelfMemo.IfPresent.greet("ann").orElseThrow();
                        out.add(f.isDone() + " " + f.join() + " runs " + runs());
                        Memogen.clearMemory();
                    }
                    return out;
                }

                public static List<String> nullResult() {
                    List<String> out = new ArrayList<>();
                    out.add(ShelfMemo.nothing("x") + " " + seen(ShelfMemo.IfPresent.nothing("x")) + " "
                            + ShelfMemo.nothing("x") + " runs " + runs());
                    return out;
                }

                /** Memory only (the store cannot be opened): present while memory holds it, then empty. */
                public static List<String> memoryOnly() {
                    List<String> out = new ArrayList<>();
                    out.add(look());
                    compute();
                    out.add(look());
                    Memogen.clearMemory();
                    out.add(look());
                    return out;
                }

                public static List<String> disabled() {
                    List<String> out = new ArrayList<>();
                    compute();
                    compute();
                    out.add(look());
                    return out;
                }

                /** IfPresent while the body of the same call is blocked in another thread: empty, at once. */
                public static List<String> pending() throws Exception {
                    List<String> out = new ArrayList<>();
                    Shelf.started = new CountDownLatch(1);
                    Shelf.release = new CountDownLatch(1);
                    ExecutorService pool = Executors.newFixedThreadPool(2);
                    try {
                        Future<String> computing = pool.submit(() -> ShelfMemo.slow("k"));
                        if (!Shelf.started.await(30, TimeUnit.SECONDS)) {
                            throw new AssertionError("the body did not start");
                        }
                        // A Supplier throws no checked exception: IfPresent.slow declares none.
                        CompletableFuture<Optional<String>> looked =
                                CompletableFuture.supplyAsync(() -> ShelfMemo.IfPresent.slow("k"), pool);
                        String seen;
                        try {
                            seen = seen(looked.get(10, TimeUnit.SECONDS));
                        } catch (TimeoutException e) {
                            seen = "waited";
                        }
                        out.add(seen + " while the body is blocked, runs " + runs());
                        Shelf.release.countDown();
                        out.add(computing.get(30, TimeUnit.SECONDS) + " " + seen(ShelfMemo.IfPresent.slow("k")) + " runs "
                                + runs());
                    } finally {
                        Shelf.release.countDown();
                        pool.shutdown();
                    }
                    return out;
                }

                /** In a JVM of its own: {@code compute} calls the methods first; then prints what IfPresent sees. */
                public static void main(String[] args) {
                    if (args.length > 0 && args[0].equals("compute")) {
                        compute();
                    }
                    System.out.println(look());
                }
            }
            """;

    @BeforeAll
    static void compileOnce() {
        Compilation c = TestCompiler.compile(TestCompiler.source("look.Shelf", SHELF),
                TestCompiler.source("look.Account", ACCOUNT), TestCompiler.source("look.Driver", DRIVER));
        assertThat(c).succeededWithoutWarnings();
        loaded = TestCompiler.load(c);
    }

    /** Runs a scenario of the driver on a store of its own; its run counts start from 0. */
    private List<String> drive(String scenario) {
        return drive(scenario, MemogenSettings.at(dir.resolve("store")));
    }

    @SuppressWarnings("unchecked")
    private List<String> drive(String scenario, MemogenSettings settings) {
        Memogen.configure(settings);
        int before = (Integer) loaded.call("look.Driver", "runs");
        List<String> out = new ArrayList<>();
        for (String line : (List<String>) loaded.call("look.Driver", scenario)) {
            int at = line.lastIndexOf("runs ");
            out.add(at < 0 ? line
                    : line.substring(0, at + 5) + (Integer.parseInt(line.substring(at + 5)) - before));
        }
        return out;
    }

    @Test
    void eachKeyStrategyIsEmptyBeforeACallAndHoldsTheValueAfterFromMemoryThenTheStore() {
        assertEquals(List.of(
                "empty empty empty runs 0",
                "3 6.0 6 runs 3",
                "3 6.0 6 runs 3", // after clearMemory: from the store
                "3 6.0 6 runs 3", // installed in memory again
                "empty empty empty runs 3",
                "2 1 1"), // found in memory twice, in the store once; a lookup that finds nothing counts nothing
                drive("strategies"));
    }

    @Test
    void instanceMethodsOverloadsAndGenericMethodsAreLookedUpByTheirOwnKeys() {
        assertEquals(List.of(
                "empty, empty, empty, empty, empty, runs 0",
                "110, int 7, empty, empty, empty, runs 2",
                "110, int 7, string 7, 3, Circle[r=1.0], runs 5",
                "110, int 7, string 7, 3, Circle[r=1.0], runs 5",
                "empty empty runs 5"), // another receiver's state, another subtype
                drive("shapes"));
    }

    @Test
    void aMutableResultIsTheCallersOwnCopy() {
        assertEquals(List.of(
                "[2, 4, 6] true true runs 1",
                "[2, 4, 6] true true runs 1", // from the store
                "[2, 4, 6] runs 1"),
                drive("mutable"));
    }

    @Test
    void aFutureReturningMethodGivesACompletedFuture() {
        assertEquals(List.of(
                "empty runs 0",
                "true hi ann runs 1",
                "true hi ann runs 1"),
                drive("future"));
    }

    @Test
    void aStoredNullIsEmpty() {
        assertEquals(List.of("null empty null runs 1"), drive("nullResult"));
    }

    @Test
    void nothingIsPresentWhileMemogenIsDisabled() {
        assertEquals(List.of("empty empty empty runs 6"),
                drive("disabled", MemogenSettings.at(dir.resolve("store")).withDisabled(true)));
    }

    @Test
    void withAStoreThatCannotBeOpenedOnlyMemoryIsLookedAt() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        assertEquals(List.of(
                "empty empty empty runs 0",
                "3 6.0 6 runs 3",
                "empty empty empty runs 3"),
                drive("memoryOnly", MemogenSettings.at(file.resolve(".memogen"))));
    }

    @Test
    void aComputationUnderWayIsNotWaitedFor() {
        assertEquals(List.of(
                "empty while the body is blocked, runs 1",
                "K K runs 1"),
                drive("pending"));
    }

    @Test
    void anotherJvmOnTheSameStoreSeesTheValuesWithoutRunningTheMethods() throws Exception {
        String testClassPath = System.getProperty("java.class.path");
        Path classes = TestCompiler.compileToDirectory(dir, "look", java.util.Map.of("Shelf.java", SHELF, "Account.java", ACCOUNT, "Driver.java", DRIVER));

        assertEquals("empty empty empty runs 0", run(classes, testClassPath, false, "look"), "a new store");
        assertEquals("3 6.0 6 runs 3", run(classes, testClassPath, false, "compute"), "computed");
        assertEquals("3 6.0 6 runs 0", run(classes, testClassPath, false, "look"), "a second JVM, from the store");
        assertEquals("empty empty empty runs 0", run(classes, testClassPath, true, "look"), "memogen disabled");
    }

    /** Runs {@code look.Driver} in a new JVM on the store under {@link #dir}; returns what it printed. */
    private String run(Path classes, String testClassPath, boolean disabled, String what) throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmemogen.dir=" + dir.resolve("store"), "-Dmemogen.disable=" + disabled,
                "-cp", classes + File.pathSeparator + testClassPath, "look.Driver", what)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out");
        assertEquals(0, p.exitValue(), Files.readString(out) + Files.readString(err));
        return Files.readString(out).trim();
    }
}
